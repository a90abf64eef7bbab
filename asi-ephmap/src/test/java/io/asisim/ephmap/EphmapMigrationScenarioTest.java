package io.asisim.ephmap;

import io.asisim.api.kernel.ExposureScan;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Acceptance scenario of issue 5: a page-cache read through ephmap on CPU 0, the task migrates to
 * CPU 1 (CPU 0 idles with the mm still loaded, lazy-TLB style), the file is closed on CPU 1 and
 * the frame reused by another process.
 */
class EphmapMigrationScenarioTest {
  private static final long F = Rig.FILE_PFN;

  private Rig rig;
  private EphmapMapper ephmap;
  private ExposureScan scan;

  private void scenario(String policy) {
    rig = new Rig(2, policy);
    ephmap = new EphmapMapper(rig.m.addressSpaces(), rig.flush, rig.metrics, 2, 1);
    scan = new ExposureScan(rig.m, ephmap, rig);
    long a = rig.process();
    rig.openFile(a, F);
    rig.run(0, a);
    assertThat(rig.read(ephmap, 0, a, F)).isEqualTo(F);
    assertThat(rig.metrics.get("asi_exits")).isZero(); // the alias is in A's restricted space: no exit
    rig.run(1, a); // migrate; CPU 0 keeps A loaded while idle
    assertThat(scan.scan()).as("A still may read F").isZero();
    rig.closeFile(1, a, F);
    long b = rig.process();
    rig.openFile(b, F); // the frame is reused: now B's sensitive data
    scan.scan();
  }

  @Test
  void localLeavesExactlyTheStaleTranslationOnCpu0() {
    scenario("local");
    assertThat(scan.size()).as(scan.toString()).isEqualTo(1);
    assertThat(scan.isExposed(0, F)).isTrue();
    assertThat(rig.ipis()).isZero();
    assertThat(rig.metrics.get("transient_maps")).isEqualTo(1);
  }

  @Test
  void mmGlobalFlushesTheMmCpumaskOnClose() {
    scenario("mm-global");
    assertThat(scan.size()).as(scan.toString()).isZero();
    // cpumask(A) = {0, 1}; CPU 1 closes and flushes itself, CPU 0 (A loaded) gets the one IPI
    assertThat(rig.ipis()).isEqualTo(1);
    assertThat(rig.metrics.get("tlb_shootdowns")).isEqualTo(1);
  }

  @Test
  void preciseFlushesOnlyCpu0WithNoMoreIpisThanMmGlobal() {
    scenario("precise");
    assertThat(scan.size()).as(scan.toString()).isZero();
    assertThat(rig.ipis()).isEqualTo(1); // CPU 0 is the only CPU that used the alias: mm-global sent 1 too
  }

  @Test
  void eagerGlobalFlushesAtUnmapWithoutIpiBecauseNoOtherCpuHasTheMm() {
    scenario("eager-global");
    assertThat(scan.size()).isZero();
    // at the unmap only CPU 0 had A loaded: CPU 1 (init_mm) catches up at switch_mm, no IPI
    assertThat(rig.ipis()).isZero();
  }

  @Test
  void postedEphmapPutInvlpgAtReleaseLeavesNothing() {
    scenario("local-at-release");
    assertThat(scan.size()).isZero();
    assertThat(rig.ipis()).isZero();
  }

  /**
   * The task reads F1 on CPU 0, F2 on CPU 1, F3 on CPU 2, then closes all three on CPU 2. mm-global
   * flushes every queued alias of the mm on the first close in one round: IPIs to CPUs 0 and 1
   * (both idle with A loaded), 1 shootdown, and nothing left for the other closes. precise flushes
   * per close exactly the CPU that used that frame: CPU 0 (1 IPI), CPU 1 (1 IPI), CPU 2 (itself, no
   * IPI): 2 IPIs in 2 shootdowns. local leaves all three stale translations, CPU 2's included since
   * the task there no longer may read F3.
   */
  private Rig threeCpus(String policy) {
    Rig r = new Rig(4, policy);
    EphmapMapper e = new EphmapMapper(r.m.addressSpaces(), r.flush, r.metrics, 4, 1);
    ExposureScan s = new ExposureScan(r.m, e, r);
    long a = r.process();
    for (int cpu = 0; cpu < 3; cpu++) {
      r.openFile(a, F + cpu);
      r.run(cpu, a);
      assertThat(r.read(e, cpu, a, F + cpu)).isEqualTo(F + cpu);
    }
    for (int i = 0; i < 3; i++) {
      r.closeFile(2, a, F + i);
    }
    r.metrics.counter(io.asisim.api.metrics.StandardMetrics.LEAK_EXPOSURES).set(s.scan());
    return r;
  }

  @Test
  void mmGlobalAggregatesQueuedFlushes() {
    Rig r = threeCpus("mm-global");
    assertThat(r.metrics.get("leak_exposures")).isZero();
    assertThat(r.ipis()).isEqualTo(2);
    assertThat(r.metrics.get("tlb_shootdowns")).isEqualTo(1);
  }

  @Test
  void preciseFlushesPerFrameExactlyTheCpusThatUsedIt() {
    Rig r = threeCpus("precise");
    assertThat(r.metrics.get("leak_exposures")).isZero();
    assertThat(r.ipis()).isEqualTo(2);
    assertThat(r.metrics.get("tlb_shootdowns")).isEqualTo(2);
  }

  @Test
  void localLeavesOneStaleTranslationPerCpu() {
    Rig r = threeCpus("local");
    assertThat(r.metrics.get("leak_exposures")).isEqualTo(3);
    assertThat(r.ipis()).isZero();
  }
}
