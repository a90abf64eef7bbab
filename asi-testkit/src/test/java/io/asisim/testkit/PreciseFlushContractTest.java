package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.policies.flush.PreciseFlushPolicyPlugin;

/** The flush contract on the built-in {@code precise} policy, which claims to be secure. */
class PreciseFlushContractTest extends FlushPolicyContract {
  @Override
  protected Plugin<?> plugin() {
    return new PreciseFlushPolicyPlugin();
  }

  @Override
  protected boolean claimsSecure() {
    return true;
  }
}
