package io.asisim.ephmap;

import io.asisim.api.kernel.ExposureScan;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.mapper.Mapper;
import org.junit.jupiter.api.Test;

class MermapMapperTest {
  private static final long F = Rig.FILE_PFN;

  @Test
  void fifthLiveAllocationFallsBack() {
    Rig rig = new Rig(1, "local");
    MermapMapper mm = new MermapMapper(rig.m.addressSpaces(), rig.m.tlb(), rig.flush, rig.metrics, 1, 8, 4);
    long a = rig.process();
    long[] va = new long[4];
    for (int i = 0; i < 4; i++) {
      va[i] = mm.map(0, a, F + i);
      assertThat(va[i]).isEqualTo(KernelWindows.MERMAP_BASE + i * 4096L);
    }
    assertThat(mm.map(0, a, F + 4)).isEqualTo(Mapper.NO_ALIAS);
    assertThat(rig.metrics.get("transient_map_fallbacks")).isEqualTo(1);
    mm.unmap(0, a, va[2]);
    assertThat(mm.map(0, a, F + 4)).as("bump: released space is not reused").isEqualTo(KernelWindows.MERMAP_BASE + 4 * 4096L);
  }

  /**
   * Window of 8 pages: reads of F..F+7 (each mapped, read, unmapped, file closed) use pages 0..7 with
   * no flush, leaving 8 stale translations on CPU 0; the 9th read finds the window exhausted, issues
   * one local full flush (INVPCID all: one tlb_flushes_local) and reuses page 0.
   */
  @Test
  void spaceIsReusedOnlyAfterALocalFullFlush() {
    Rig rig = new Rig(1, "local");
    MermapMapper mm = new MermapMapper(rig.m.addressSpaces(), rig.m.tlb(), rig.flush, rig.metrics, 1, 8, 4);
    ExposureScan scan = new ExposureScan(rig.m, mm, rig);
    long a = rig.process();
    rig.run(0, a);
    for (int i = 0; i < 8; i++) {
      rig.openFile(a, F + i);
      assertThat(rig.read(mm, 0, a, F + i)).isEqualTo(F + i);
      rig.closeFile(0, a, F + i);
    }
    long flushesBefore = rig.metrics.get("tlb_flushes_local");
    assertThat(scan.scan()).as(scan.toString()).isEqualTo(8);
    int[] released = new int[1];
    mm.forEachAlias((cpu, m, v, pfn, live) -> released[0] += live ? 0 : 1);
    assertThat(released[0]).isEqualTo(8);

    rig.openFile(a, F + 8);
    long va = mm.map(0, a, F + 8);
    assertThat(va).isEqualTo(KernelWindows.MERMAP_BASE);
    assertThat(rig.metrics.get("tlb_flushes_local") - flushesBefore).isEqualTo(1);
    assertThat(scan.scan()).as(scan.toString()).isZero();
    mm.unmap(0, a, va);
  }
}
