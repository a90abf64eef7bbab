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

  /**
   * The soak's precise + mermap exposure (pageblock-migratetype/mermap/precise/exit-always,
   * kernel-build seed 560 before the merge, 1 episode). {@code copy_user_highpage()} maps the CoW
   * source, then the destination; when the destination exhausts the CPU's mermap window, mermap's
   * local full flush made {@code precise} forget every record of that CPU, the still-live source
   * alias included. The copy then read the source through it again (refilling the TLB in the mm's
   * restricted PCID), and {@code onAccessLost} for the source found no record to flush. A 4-page
   * window makes the wrap frequent: before the fix this run had 11 exposure episodes (seeds 1-6:
   * 11, 8, 10, 6, 12, 5); mm-global, which queues at unmap, had 0. Now precise has 0 too.
   */
  @Test
  void preciseKeepsLiveMermapAliasesAcrossWindowWrap() {
    RunResult r = RUNNER.run(Variants.of("kernel-build").set("workload.kernel-build.ops=600")
        .set("workload.kernel-build.jobs=6").set("workload.kernel-build.build-memory=48M")
        .set("workload.kernel-build.anon-pages=60").set("workload.kernel-build.files-per-job=8")
        .set("workload.kernel-build.source-files=60").set("workload.kernel-build.cow-pages=4")
        .set("mapper.mermap.region-pages=4")
        .set("mapper.mermap.max-live=2").pick(PluginKind.MAPPER, "mermap").pick(PluginKind.FLUSH, "precise")
        .memory(128L << 20).cpus(4).seed(1).checkEvery(1).build(REG));
    // 36 copies (fork()ed shell children writing inherited pages, do_cow_fault() of programs'
    // data); this run also found mermap reusing a page that was live across a wrap without a flush
    // (MermapMapperTest.aPageLiveAcrossTheWrapIsNotReusedBeforeTheNextOne)
    assertThat(r.get("cow_faults")).as("copies that can wrap the window").isEqualTo(36);
    assertThat(r.get("invariant_violations")).isZero();
    assertThat(r.get("leak_exposures")).isZero();
    assertThat(r.get("leak_exposure_cycles")).isZero();
  }
}
