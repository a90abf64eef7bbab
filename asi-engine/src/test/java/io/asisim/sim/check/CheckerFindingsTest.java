package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for the defects the checker found in shipped plugins (docs/checker.md,
 * "Findings for other modules"): each runs the exact configuration and seed that showed the
 * defect and requires it clean now.
 */
class CheckerFindingsTest {
  private static final PluginRegistry REG = Registries.with(TestWorkloads.accessChurn());
  private static final Runner RUNNER = new Runner(REG);

  /**
   * ephmap + mm-global on access-churn (seed 7, the churn configuration of {@link MutationTest})
   * with NOFLUSH CR3 writes. A task released its ephmap slot while unrestricted (after a #PF or
   * context-switch asi_exit): an INVLPG then dropped the slot from the unrestricted PCID only, the
   * restricted PCID kept it, and after close() the task's CPU still cached the slot to a page it
   * could no longer read — 3 exposure episodes before the fix. Flushing both PCIDs of the loaded
   * ASID, as {@code flush_tlb_one_user()} does, leaves none.
   */
  @Test
  void ephmapSlotFlushReachesTheRestrictedPcid() {
    RunResult r = RUNNER.run(Variants.of("access-churn").pick(PluginKind.MAPPER, "ephmap")
        .pick(PluginKind.FLUSH, "mm-global").set("machine.x86.cr3-noflush=true").memory(128L << 20).cpus(4)
        .seed(7).checkEvery(1).build(REG));
    assertThat(r.get("invariant_violations")).isZero();
    assertThat(r.get("leak_exposures")).isZero();
    assertThat(r.get("leak_exposure_cycles")).isZero();
  }
}
