package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import java.util.List;

/** A {@link FlushPolicyContract} for a given plugin, exercised with ephmap only (the tests' fixture). */
final class FlushContracts {
  private FlushContracts() {}

  /** The contract of {@code policy}, claiming security or not as {@code claimsSecure} says. */
  static FlushPolicyContract ephmapOnly(Plugin<?> policy, boolean claimsSecure) {
    return new FlushPolicyContract() {
      @Override
      protected Plugin<?> plugin() {
        return policy;
      }

      @Override
      protected boolean claimsSecure() {
        return claimsSecure;
      }

      @Override
      protected List<String> mappers() {
        return List.of("ephmap");
      }
    };
  }
}
