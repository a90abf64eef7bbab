package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.policies.flush.MmGlobalFlushPolicyPlugin;

/** The flush contract on the built-in {@code mm-global} policy, which claims to be secure. */
class MmGlobalFlushContractTest extends FlushPolicyContract {
  @Override
  protected Plugin<?> plugin() {
    return new MmGlobalFlushPolicyPlugin();
  }

  @Override
  protected boolean claimsSecure() {
    return true;
  }
}
