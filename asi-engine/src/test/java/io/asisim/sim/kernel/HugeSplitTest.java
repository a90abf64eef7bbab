package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.KhugepagedTunables;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.check.Checker;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The split of an anonymous THP ({@link HugeSplit}), hand-checked on a 256 MiB machine with two
 * CPUs: {@code unmap_folio()} flushes every mm mapping the folio (a PMD's 2 MiB at once, PTE
 * mappings by the batch), {@code remap_page(RMP_USE_SHARED_ZEROPAGE)} drops the zero-filled pages,
 * and {@code deferred_split_scan()} splits underused folios ({@code thp_underused()}) queued at fault.
 */
class HugeSplitTest {
  private static final long PAGE = 4096;
  private SimKernel k;
  private Metrics m;
  private AddressSpaces as;
  private SimContext ctx;
  private Checker checker;

  private void boot(boolean asi) {
    KernelRig r = KernelRig.boot(256L << 20, 2, asi);
    k = r.k();
    ctx = r.ctx();
    m = ctx.metrics();
    as = ctx.machine().addressSpaces();
    checker = r.checker();
    k.setTransparentHugepage(Kernel.THP_ALWAYS);
  }

  private long mm(int pid) {
    return k.k.tasks.mm(pid).mm;
  }

  /** Writes pages {@code [0, n)} of the 2 MiB at {@code va} (the first write faults the THP in). */
  private void write(int pid, long va, int n) {
    for (int i = 0; i < n; i++) {
      k.touch(pid, va + i * PAGE, true);
    }
  }

  private void maxPtesNone(int n) {
    KhugepagedTunables d = KhugepagedTunables.DEFAULTS;
    k.setKhugepaged(new KhugepagedTunables(d.defrag(), d.pagesToScan(), d.scanSleepMillis(), d.allocSleepMillis(), n,
        d.maxPtesSwap(), d.maxPtesShared()));
  }

  private long[] tlb() {
    return new long[] {m.get("tlb_flushes_local"), m.get("tlb_shootdowns"), m.get("tlb_shootdown_ipis")};
  }

  private static long[] delta(long[] before, long[] after) {
    return new long[] {after[0] - before[0], after[1] - before[1], after[2] - before[2]};
  }

  /**
   * A folio shared after fork, the parent on CPU 0 and the child on CPU 1, both mapping it by PMD,
   * split as underused from CPU 0 ({@code max_ptes_none} 256, 100 pages written: 412 zero-filled):
   * each mm's PMD is split frozen and its 2 MiB flushed at once ({@code pmdp_invalidate()}: more
   * than 33 pages, so a full flush of the mm), {@code thp_split_pmd} 2. The parent's mm has run on
   * CPU 0 only: one local full flush. The child's has run on CPU 1 only: CPU 0, which does not have
   * it loaded, flushes nothing now, and CPU 1 is shot down (one shootdown, one IPI, whose full flush
   * counts as a local flush there). Under ASI each full flush drops both PCIDs of the ASID and
   * counts twice. Nothing is left for the batch. Then the 412 zero-filled pages lose both mappings
   * and are freed; the 100 written ones stay shared as 4 KiB pages. Before the model of
   * {@code unmap_folio()} the split flushed nothing: 0, 0, 0.
   */
  @Test
  void aForkSharedUnderusedFolioIsUnmappedFromBothMmsAndItsZeroPagesFreed() {
    for (boolean asi : new boolean[] {false, true}) {
      boot(asi);
      maxPtesNone(256);
      int parent = k.spawn();
      long va = k.mmapAnon(parent, 512);
      write(parent, va, 100);
      long head = as.translate(mm(parent), false, va);
      int child = k.fork(parent);
      k.migrate(child, 1);
      k.touch(child, va, false); // the child runs on CPU 1 and reads the shared PMD
      k.touch(parent, va + PAGE, false);
      assertThat(k.cpuOf(parent)).isZero();
      assertThat(k.cpuOf(child)).isEqualTo(1);
      assertThat(ctx.machine().tlb().mmCpumask(mm(parent))).isEqualTo(CpuMask.of(0));
      assertThat(ctx.machine().tlb().mmCpumask(mm(child))).isEqualTo(CpuMask.of(1));
      assertThat(as.leafShift(mm(child), false, va)).isEqualTo(21);
      long free = k.freePages();
      long[] before = tlb();

      k.k.huge.deferredSplitScan(0);

      assertThat(delta(before, tlb())).as("local flushes, shootdowns, IPIs").containsExactly(asi ? 4 : 2, 1, 1);
      assertThat(m.get("thp_underused_split_page")).isEqualTo(1);
      assertThat(m.get("thp_split_page")).isEqualTo(1);
      assertThat(m.get("thp_split_pmd")).isEqualTo(2);
      assertThat(k.freePages() - free).as("the 412 zero-filled pages").isEqualTo(412);
      for (int i = 0; i < 512; i++) {
        long want = i < 100 ? head + i : -1;
        assertThat(as.translate(mm(parent), false, va + i * PAGE)).as("parent page %d", i).isEqualTo(want);
        assertThat(as.translate(mm(child), false, va + i * PAGE)).as("child page %d", i).isEqualTo(want);
      }
      assertThat(checker.checkFunctional()).isNull();
      k.exit(child);
      k.exit(parent);
      assertThat(checker.checkFunctional()).isNull();
    }
  }

  /**
   * The same folio PTE-mapped in both mms (each split its PMD for a {@code MADV_DONTNEED} of page
   * 300, whose last mapping then went: partially mapped, queued once): {@code try_to_migrate()}
   * clears every PTE with the flush deferred, and {@code try_to_unmap_flush()} flushes both mms'
   * CPUs ({0} and {1}) at once: a full flush on CPU 0 and one by IPI on CPU 1 (two local flushes,
   * one shootdown, one IPI). The 211
   * zero-filled pages (100 written, page 300 unmapped) and page 300 are freed.
   */
  @Test
  void aPartlyMappedForkSharedFolioIsFlushedByOneBatch() {
    boot(false);
    int parent = k.spawn();
    long va = k.mmapAnon(parent, 512);
    write(parent, va, 300);
    long head = as.translate(mm(parent), false, va);
    int child = k.fork(parent);
    k.migrate(child, 1);
    k.madviseDontneed(child, va + 300 * PAGE, 1);
    k.madviseDontneed(parent, va + 300 * PAGE, 1);
    assertThat(m.get("thp_split_pmd")).isEqualTo(2);
    assertThat(m.get("thp_deferred_split_page")).isEqualTo(1);
    long free = k.freePages();
    long[] before = tlb();

    k.k.huge.deferredSplitScan(0);

    assertThat(delta(before, tlb())).as("local flushes, shootdowns, IPIs").containsExactly(2, 1, 1);
    assertThat(m.get("thp_split_pmd")).as("no PMD left to split").isEqualTo(2);
    assertThat(m.get("thp_split_page")).isEqualTo(1);
    assertThat(m.get("thp_underused_split_page")).as("partially mapped, not underused").isZero();
    assertThat(k.freePages() - free).as("page 300 and the 211 zero-filled ones").isEqualTo(212);
    for (int i = 0; i < 512; i++) {
      assertThat(as.translate(mm(child), false, va + i * PAGE)).as("page %d", i).isEqualTo(i < 300 ? head + i : -1);
    }
    assertThat(checker.checkFunctional()).isNull();
  }

  /**
   * {@code thp_underused()} at its edge, {@code max_ptes_none} 256: 256 zero-filled pages (the
   * first 256, the last 256 written) are not more than it, so the folio is used and leaves the
   * queue for good; 257
   * (255 written) are, and the folio is split and its 257 zero-filled pages freed. A later access
   * to one of those pages faults in a 4 KiB page (the kernel's PTE maps the shared zero page).
   */
  @Test
  void aFolioIsUnderusedOnlyWithMoreZeroFilledPagesThanMaxPtesNone() {
    boot(false);
    maxPtesNone(256);
    int pid = k.spawn();
    long used = k.mmapAnon(pid, 512);
    for (int i = 256; i < 512; i++) { // the zero-filled pages come first: 256 of them are not too many
      k.touch(pid, used + i * PAGE, true);
    }
    long under = k.mmapAnon(pid, 512);
    write(pid, under, 255);
    long free = k.freePages();

    k.k.huge.deferredSplitScan(0);

    assertThat(m.get("thp_underused_split_page")).isEqualTo(1);
    assertThat(m.get("thp_split_page")).isEqualTo(1);
    assertThat(k.freePages() - free).isEqualTo(257);
    assertThat(as.leafShift(mm(pid), false, used)).as("the used one stays huge").isEqualTo(21);
    maxPtesNone(0);
    k.k.huge.deferredSplitScan(0);
    assertThat(m.get("thp_split_page")).as("the used one left the queue").isEqualTo(1);
    long faults = m.get("anon_faults");
    k.touch(pid, under + 300 * PAGE, false);
    assertThat(m.get("anon_faults")).as("a 4 KiB fault: the 2 MiB has a PTE table").isEqualTo(faults + 1);
    assertThat(as.leafShift(mm(pid), false, under + 300 * PAGE)).isEqualTo(12);
  }

  /**
   * With the default {@code max_ptes_none} 511 a folio of 511 zero-filled pages is never underused
   * (it leaves the queue); with {@code shrink_underused} 0 a new folio is not queued at all, so
   * lowering {@code max_ptes_none} afterwards splits nothing; a folio queued at fault that then
   * loses a page is counted as partially mapped once and split.
   */
  @Test
  void theDefaultsNeverSplitAMappedFolioAndShrinkUnderusedZeroQueuesNone() {
    boot(false);
    int pid = k.spawn();
    long a = k.mmapAnon(pid, 512);
    write(pid, a, 1);
    k.k.huge.deferredSplitScan(0);
    maxPtesNone(0);
    k.k.huge.deferredSplitScan(0);
    assertThat(m.get("thp_split_page")).as("left the queue at the first scan").isZero();
    k.setThpShrinkUnderused(false);
    long b = k.mmapAnon(pid, 512);
    write(pid, b, 1);
    k.k.huge.deferredSplitScan(0);
    assertThat(m.get("thp_split_page")).as("never queued").isZero();
    k.setThpShrinkUnderused(true);
    long c = k.mmapAnon(pid, 512);
    write(pid, c, 512);
    k.madviseDontneed(pid, c + 7 * PAGE, 1);
    k.madviseDontneed(pid, c + 9 * PAGE, 1);
    assertThat(m.get("thp_deferred_split_page")).isEqualTo(1);
    long free = k.freePages();
    k.k.huge.deferredSplitScan(0);
    assertThat(m.get("thp_split_page")).isEqualTo(1);
    assertThat(m.get("thp_underused_split_page")).isZero();
    assertThat(k.freePages() - free).as("pages 7 and 9").isEqualTo(2);
    assertThat(List.of(as.leafShift(mm(pid), false, a), as.leafShift(mm(pid), false, b))).containsExactly(21, 21);
  }

  /**
   * {@code collapse_huge_page()} queues its folio too: a range of 10 written 4 KiB pages, collapsed
   * when {@code MADV_HUGEPAGE} gives the mm its first slot (the 502 empty PTEs are within the default
   * {@code max_ptes_none} 511; their subpages are zeroed, the 10 others copied), is split as
   * underused once {@code max_ptes_none} is 256, and its 502 zero-filled pages freed.
   */
  @Test
  void aCollapsedFolioIsQueuedAndSplitWhenUnderused() {
    boot(false);
    k.setTransparentHugepage(Kernel.THP_MADVISE);
    int pid = k.spawn();
    long va = k.mmapAnon(pid, 512);
    write(pid, va, 10);
    k.madviseHugepage(pid, va, 512);
    k.runUser(pid, 1000);
    assertThat(m.get("thp_collapse_alloc")).isEqualTo(1);
    assertThat(as.leafShift(mm(pid), false, va)).isEqualTo(21);
    maxPtesNone(256);
    long free = k.freePages();
    k.k.huge.deferredSplitScan(0);
    assertThat(m.get("thp_underused_split_page")).isEqualTo(1);
    assertThat(k.freePages() - free).isEqualTo(502);
    assertThat(as.translate(mm(pid), false, va + 9 * PAGE)).isPositive();
    assertThat(as.translate(mm(pid), false, va + 10 * PAGE)).isEqualTo(-1);
  }
}
