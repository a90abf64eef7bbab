package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.policies.flush.EagerGlobalFlushPolicyPlugin;

/** The flush contract on the built-in {@code eager-global} policy, which claims to be secure. */
class EagerGlobalFlushContractTest extends FlushPolicyContract {
  @Override
  protected Plugin<?> plugin() {
    return new EagerGlobalFlushPolicyPlugin();
  }

  @Override
  protected boolean claimsSecure() {
    return true;
  }
}
