package io.asisim.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.Plugin;
import io.asisim.policies.flush.EagerGlobalFlushPolicyPlugin;
import io.asisim.policies.flush.LocalFlushPolicyPlugin;
import io.asisim.policies.flush.MmGlobalFlushPolicyPlugin;
import io.asisim.policies.flush.PreciseFlushPolicyPlugin;
import org.junit.jupiter.api.Test;

/**
 * Two threads of one process (one mm) on CPUs 0 and 1 of a 3-CPU machine, ephmap: the thread on
 * CPU 1 reads page F through its slot, then the thread on CPU 0 closes F, so the process loses
 * access while CPU 1 still runs it. Hand-checked counts per flush policy:
 * <ul>
 *   <li>{@code local}: the slot's INVLPG waits for the slot's next reuse on CPU 1 and the close
 *       flushes nothing remote, so CPU 1 keeps its translation of F: exactly one exposure,
 *       {@code [1:F]}, and no IPI;
 *   <li>{@code mm-global}: the close shoots down the mm's CPUs other than the caller: one IPI (CPU 1;
 *       CPU 2 never ran the mm), no exposure;
 *   <li>{@code precise}: CPU 1's log holds F for this mm: one IPI, no exposure;
 *   <li>{@code eager-global}: the unmap on CPU 1 shot the slot down everywhere: one IPI (CPU 0, which
 *       has the mm loaded; CPU 2 catches up at its next switch_mm), no exposure, and nothing at the close.
 * </ul>
 */
class ThreadedFlushScenarioTest {
  @Test
  void localLeavesExactlyTheOtherCpusTranslation() {
    scenario(new LocalFlushPolicyPlugin(), 1, 0);
  }

  @Test
  void mmGlobalShootsDownTheOtherThreadsCpu() {
    scenario(new MmGlobalFlushPolicyPlugin(), 0, 1);
  }

  @Test
  void preciseShootsDownTheCpuThatMappedThePage() {
    scenario(new PreciseFlushPolicyPlugin(), 0, 1);
  }

  @Test
  void eagerGlobalShotItDownAtTheUnmap() {
    scenario(new EagerGlobalFlushPolicyPlugin(), 0, 1);
  }

  private static void scenario(Plugin<?> policy, int exposures, long ipis) {
    FlushPolicyContract c = FlushContracts.ephmapOnly(policy, false);
    ScenarioRig rig = c.rig("ephmap", 1);
    FlushPolicyContract.anotherThreadCloses(rig);
    assertThat(rig.exposures()).as(policy.name() + ": " + rig.lastExposures()).isEqualTo(exposures);
    if (exposures > 0) {
      assertThat(rig.lastExposures()).isEqualTo("[1:" + rig.filePfn(0) + "]");
    }
    // the whole scenario's IPIs: the unmap's (eager-global) or the close's (mm-global, precise)
    assertThat(rig.metrics().get("tlb_shootdown_ipis")).as(policy.name() + " IPIs").isEqualTo(ipis);
  }
}
