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

  /**
   * A page live across the window's wrap was used after its flush: once released it must wait for
   * the next wrap (found by kernel-build's copy pairs with a 4-page window, CheckerFindingsTest).
   * Window 4, max-live 2: pages 0-2 used and released, page 3 live (a copy's source) when the
   * destination wraps the window to page 0; page 3 released after that is skipped until the next wrap.
   */
  @Test
  void aPageLiveAcrossTheWrapIsNotReusedBeforeTheNextOne() {
    Rig rig = new Rig(1, "local");
    MermapMapper mm = new MermapMapper(rig.m.addressSpaces(), rig.m.tlb(), rig.flush, rig.metrics, 1, 4, 2);
    long a = rig.process();
    rig.run(0, a);
    for (int i = 0; i < 3; i++) {
      mm.unmap(0, a, mm.map(0, a, F + i));
    }
    long src = mm.map(0, a, F + 3);
    assertThat(src).isEqualTo(KernelWindows.MERMAP_BASE + (3L << 12));
    long flushes = rig.metrics.get("tlb_flushes_local");
    long dst = mm.map(0, a, F + 4); // window exhausted: one flush, page 0
    assertThat(dst).isEqualTo(KernelWindows.MERMAP_BASE);
    assertThat(rig.metrics.get("tlb_flushes_local") - flushes).isEqualTo(1);
    mm.unmap(0, a, src);
    mm.unmap(0, a, dst);
    assertThat(mm.map(0, a, F + 5)).isEqualTo(KernelWindows.MERMAP_BASE + (1L << 12));
    assertThat(mm.map(0, a, F + 6)).isEqualTo(KernelWindows.MERMAP_BASE + (2L << 12));
    assertThat(rig.metrics.get("tlb_flushes_local") - flushes).isEqualTo(1);
    mm.unmap(0, a, KernelWindows.MERMAP_BASE + (1L << 12));
    // page 3 was released after the wrap: the window counts as exhausted, a second flush, page 0
    assertThat(mm.map(0, a, F + 7)).isEqualTo(KernelWindows.MERMAP_BASE);
    assertThat(rig.metrics.get("tlb_flushes_local") - flushes).isEqualTo(2);
  }
}
