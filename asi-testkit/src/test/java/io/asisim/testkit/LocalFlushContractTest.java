package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.policies.flush.LocalFlushPolicyPlugin;

/** The flush contract on the built-in {@code local} policy (not secure: it leaves stale translations on other CPUs). */
class LocalFlushContractTest extends FlushPolicyContract {
  @Override
  protected Plugin<?> plugin() {
    return new LocalFlushPolicyPlugin();
  }

  @Override
  protected boolean claimsSecure() {
    return false;
  }
}
