package io.asisim.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.policies.flush.LocalFlushPolicyPlugin;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contracts fail on plugins that break them: proof that passing them means something. */
class ContractsCatchBrokenPluginsTest {

  /**
   * {@code local} flushes only the unmapping CPU: claiming security must be refuted. (Anonymous, so
   * that the test engine does not run it as a test class of its own.)
   */
  private static FlushPolicyContract localClaimingSecurity() {
    return FlushContracts.ephmapOnly(new LocalFlushPolicyPlugin(), true);
  }

  @Test
  void localClaimingSecurityFailsTheMigrationAndThreadScenariosAndTheRandomLives() {
    FlushPolicyContract c = localClaimingSecurity();
    assertThatThrownBy(c::securePolicyLeavesNothingAfterMigrateAndClose).isInstanceOf(AssertionError.class)
        .hasMessageContaining("exposures after close");
    assertThatThrownBy(c::securePolicyNeverExposesAPageInRandomLives).isInstanceOf(AssertionError.class)
        .hasMessageContaining("exposed (cpu:pfn)");
    assertThatThrownBy(c::securePolicyLeavesNothingWhenAnotherThreadCloses).isInstanceOf(AssertionError.class)
        .hasMessageContaining("exposures after another thread's close");
  }

  @Test
  void theMigrationScenarioLeavesExactlyCpu0sStaleTranslationUnderLocal() {
    // A reads page 0 via ephmap on CPU 0, migrates to CPU 1 and closes it there: local's INVLPG ran
    // on CPU 0 only at the next reuse of the slot, which never came, so CPU 0 still caches it
    ScenarioRig rig = localClaimingSecurity().rig("ephmap", 1);
    long a = rig.process();
    rig.open(a, 0);
    rig.run(0, a);
    rig.read(0, 0);
    rig.run(1, a);
    rig.close(1, 0);
    assertThat(rig.exposures()).isEqualTo(1);
    assertThat(rig.lastExposures()).isEqualTo("[0:" + rig.filePfn(0) + "]");
  }

  /** A policy that never flushes anything, not even a reused slot. */
  static final class NoFlushPlugin implements Plugin<FlushPolicy> {
    @Override
    public PluginKind kind() {
      return PluginKind.FLUSH;
    }

    @Override
    public String name() {
      return "no-flush";
    }

    @Override
    public String description() {
      return "broken on purpose: never flushes";
    }

    @Override
    public FlushPolicy create(Params params, SimContext ctx) {
      return new FlushPolicy() {
        @Override
        public void onTransientMap(int cpu, long mm, long va, long pfn) {}

        @Override
        public void onTransientUnmap(int cpu, long mm, long va, long pfn) {}

        @Override
        public void beforeReuse(int cpu, long mm, long va) {}

        @Override
        public void onAccessLost(int cpu, long mm, long pfn) {}

        @Override
        public void onMmExit(int cpu, long mm) {}
      };
    }
  }

  @Test
  void aPolicyIgnoringBeforeReuseReadsStaleFrames() {
    FlushPolicyContract c = FlushContracts.ephmapOnly(new NoFlushPlugin(), false);
    assertThatThrownBy(c::reusedSlotsNeverReadAnEarlierAliasFrame).isInstanceOf(AssertionError.class)
        .hasMessageContaining("reads that returned another frame");
    assertThatThrownBy(c::isDiscoverable).isInstanceOf(AssertionError.class);
  }

  @Test
  void aClassifierThatForgetsMasksIsCaught() {
    Plugin<SensitivityClassifier> partial = new Plugin<>() {
      @Override
      public PluginKind kind() {
        return PluginKind.SENSITIVITY;
      }

      @Override
      public String name() {
        return "partial";
      }

      @Override
      public String description() {
        return "broken on purpose: no answer for atomic masks";
      }

      @Override
      public SensitivityClassifier create(Params params, SimContext ctx) {
        return gfp -> (gfp & Gfp.__GFP_HIGH) != 0 ? null : Sensitivity.SENSITIVE;
      }
    };
    SensitivityClassifierContract c = new SensitivityClassifierContract() {
      @Override
      protected Plugin<?> plugin() {
        return partial;
      }

      @Override
      protected Map<Integer, Sensitivity> expectations() {
        return Map.of(Gfp.GFP_KERNEL, Sensitivity.SENSITIVE);
      }
    };
    assertThatThrownBy(c::answersEveryMaskTheSameWay).isInstanceOf(AssertionError.class);
  }
}
