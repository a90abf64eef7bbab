package org.example.asi;

import io.asisim.api.plugin.Plugin;
import io.asisim.testkit.FlushPolicyContract;

/**
 * The testkit's flush-policy contract with the default batch of 16: functional correctness and
 * determinism must hold; security is not claimed (a batch leaves stale translations).
 */
class LazyBatchedContractTest extends FlushPolicyContract {
  @Override
  protected Plugin<?> plugin() {
    return new LazyBatchedFlushPolicyPlugin();
  }

  @Override
  protected boolean claimsSecure() {
    return false;
  }
}
