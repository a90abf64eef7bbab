package org.example.asi;

import io.asisim.api.plugin.Plugin;
import io.asisim.testkit.FlushPolicyContract;
import java.util.Map;

/** With {@code batch=1} every loss of access is flushed at once: then the policy claims to be secure. */
class LazyBatchedBatchOfOneContractTest extends FlushPolicyContract {
  @Override
  protected Plugin<?> plugin() {
    return new LazyBatchedFlushPolicyPlugin();
  }

  @Override
  protected Map<String, String> params() {
    return Map.of("batch", "1");
  }

  @Override
  protected boolean claimsSecure() {
    return true;
  }
}
