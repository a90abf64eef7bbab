package io.asisim.testkit;

import static io.asisim.api.mm.Sensitivity.NONSENSITIVE;
import static io.asisim.api.mm.Sensitivity.SENSITIVE;

import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.plugin.Plugin;
import io.asisim.policies.sensitivity.SensitivityPlugins;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The sensitivity contract on the three built-in classifiers, with the answers each documents. */
class SensitivityContractTests {
  @Nested
  class GfpSensitive extends SensitivityClassifierContract {
    @Override
    protected Plugin<?> plugin() {
      return new SensitivityPlugins.GfpSensitive();
    }

    @Override
    protected Map<Integer, Sensitivity> expectations() {
      // the RFC: __GFP_SENSITIVE, or the GFP_USER family (__GFP_HARDWALL) of a mainline mask
      return Map.of(Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE, SENSITIVE, Gfp.GFP_HIGHUSER_MOVABLE, SENSITIVE,
          Gfp.GFP_KERNEL, NONSENSITIVE, Gfp.GFP_ATOMIC, NONSENSITIVE, Gfp.GFP_KERNEL | Gfp.__GFP_MOVABLE, NONSENSITIVE);
    }
  }

  @Nested
  class AllSensitive extends SensitivityClassifierContract {
    @Override
    protected Plugin<?> plugin() {
      return new SensitivityPlugins.AllSensitive();
    }

    @Override
    protected Map<Integer, Sensitivity> expectations() {
      return Map.of(Gfp.GFP_KERNEL, SENSITIVE, Gfp.GFP_ATOMIC, SENSITIVE, Gfp.GFP_HIGHUSER_MOVABLE, SENSITIVE);
    }
  }

  @Nested
  class UserDataOnly extends SensitivityClassifierContract {
    @Override
    protected Plugin<?> plugin() {
      return new SensitivityPlugins.UserDataOnly();
    }

    @Override
    protected Map<Integer, Sensitivity> expectations() {
      // provenance, not the explicit bit: movable (LRU) and GFP_USER-family pages are user data
      return Map.of(Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE, NONSENSITIVE, Gfp.GFP_HIGHUSER_MOVABLE, SENSITIVE,
          Gfp.GFP_KERNEL | Gfp.__GFP_MOVABLE, SENSITIVE, Gfp.GFP_KERNEL_ACCOUNT, NONSENSITIVE);
    }
  }
}
