package io.asisim.sim.kernel;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.sim.util.LongLongMap;

/**
 * The split of anonymous THP folios and the deferred split queue of mm/huge_memory.c (kept apart
 * from {@link HugeMemory}'s faults and PMD operations only for size), as read in a Linux
 * v6.13–v6.14 mm/huge_memory.c and mm/rmap.c (with {@code split_underused_thp} and
 * {@code thp_underused()} of Linux 6.12's "mm: split underused THPs", and
 * {@code RMP_USE_SHARED_ZEROPAGE} of "mm: remap unused subpages to shared zeropage when splitting
 * isolated thp"):
 * <ul>
 *   <li>{@code split_huge_page_to_list_to_order()} ({@link #splitHugePage}): {@code unmap_folio()}
 *       runs {@code try_to_migrate()} with {@code TTU_SPLIT_HUGE_PMD | TTU_SYNC | TTU_BATCH_FLUSH}:
 *       every mm mapping the folio by its PMD has it split frozen ({@code try_to_migrate_one()} →
 *       {@code split_huge_pmd_address(freeze)}: {@code pmdp_invalidate()} flushes the mm's 2 MiB at
 *       once, a shootdown where other CPUs run it, {@code thp_split_pmd}); every mm mapping pages of
 *       it by PTEs has them cleared into migration entries with the flush deferred
 *       ({@code set_tlb_ubc_flush_pending()}), and {@code try_to_unmap_flush()} flushes the batch;
 *       then {@code __split_huge_page()} makes the allocator's block order-0 pages and
 *       {@code remap_page(RMP_USE_SHARED_ZEROPAGE)} turns each migration entry back into a PTE of
 *       the same page, except that a zero-filled page is mapped to the shared zero page instead
 *       ({@code try_to_map_unused_to_zeropage()}) and freed with the unmapped ones;
 *   <li>the queue ({@code ds_queue}): a folio is queued at fault and at collapse
 *       ({@code deferred_split_folio(folio, false)}, unless {@code shrink_underused} is 0) and when a
 *       page of it loses its last mapping while others stay ({@code deferred_split_folio(folio,
 *       true)}: partially mapped, {@code thp_deferred_split_page} counted once);
 *   <li>{@code deferred_split_scan()} ({@link #deferredSplitScan}).
 * </ul>
 * The model keeps a PTE in place of the migration entry between the unmap and the remap (nothing
 * runs in between; the TLBs were flushed), and maps no shared zero page: the model's anonymous
 * faults never map one (a first read allocates a zeroed page), so a zero-filled page's PTE is
 * cleared and its next access faults in a zeroed page, as a first access does here
 * (docs/deviations.md). Whether a page is zero-filled is the machine's record
 * ({@code Machine.isZeroed}: zeroed and not written through a user or kernel mapping since), which the
 * access path keeps already; a copy of a zero page counts as written.
 */
final class HugeSplit {
  private static final int NR = HugeMemory.HPAGE_PMD_NR;

  private final Machine machine;
  private final AddressSpaces as;
  private final TlbOps tlb;
  private final PageAllocator allocator;
  private final MapCount mapCount;
  private final AsiPlugins plugins;
  private final Rmap rmap;
  private final HugeMemory huge;
  private final Metrics metrics;
  private Counter deferredSplitPage;
  private Counter splitPage;
  private Counter underusedSplitPage;
  /** {@code split_underused_thp} ({@code transparent_hugepage/shrink_underused}): boot value 1. */
  private boolean splitUnderused = true;
  /** {@code khugepaged_max_ptes_none}, which {@code thp_underused()} reads. */
  private int maxPtesNone = NR - 1;
  /**
   * The deferred split queue: the head of each queued folio, in queue order (a linked map:
   * deterministic), with a bit per page that no mm maps any more; a folio with a bit set is
   * partially mapped ({@code folio_test_partially_mapped()}).
   */
  private final java.util.LinkedHashMap<Long, long[]> deferred = new java.util.LinkedHashMap<>();
  /** The queue's value for a folio queued at fault or collapse that has lost no page yet (shared: nothing allocated). */
  private static final long[] NONE = new long[0];
  /** The folios one {@link #deferredSplitScan} took off the queue (reused: no allocation per round). */
  private final long[] taken = new long[SPLIT_BATCH];

  /** Folios a {@link #deferredSplitScan} looks at at most: {@code SHRINK_BATCH} ({@code sc->nr_to_scan}). */
  static final int SPLIT_BATCH = 128;

  HugeSplit(Machine machine, PageAllocator allocator, MapCount mapCount, AsiPlugins plugins, TaskTable tasks,
      HugeMemory huge, Metrics metrics) {
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.tlb = machine.tlb();
    this.allocator = allocator;
    this.mapCount = mapCount;
    this.plugins = plugins;
    this.rmap = new Rmap(tasks);
    this.huge = huge;
    this.metrics = metrics;
  }

  /** Registers the counters (THP enabled for the first time). */
  void registerCounters() {
    deferredSplitPage = metrics.counter(KernelMetrics.THP_DEFERRED_SPLIT_PAGE);
    splitPage = metrics.counter(KernelMetrics.THP_SPLIT_PAGE);
    underusedSplitPage = metrics.counter(KernelMetrics.THP_UNDERUSED_SPLIT_PAGE);
  }

  /** A write to {@code transparent_hugepage/shrink_underused} ({@code split_underused_thp_store()}). */
  void setShrinkUnderused(boolean on) {
    splitUnderused = on;
  }

  /** A write to {@code khugepaged/max_ptes_none}, which {@code thp_underused()} shares. */
  void setMaxPtesNone(int n) {
    maxPtesNone = n;
  }

  /**
   * {@code deferred_split_folio(folio, false)}: a new folio, mapped whole by one PMD, queued at
   * fault ({@code __do_huge_pmd_anonymous_page()}) or collapse ({@code collapse_huge_page()}) so
   * that the shrinker may split it if underused; not with {@code shrink_underused} 0.
   */
  void queueUnderused(long head) {
    if (splitUnderused && !deferred.containsKey(head)) {
      deferred.put(head, NONE);
    }
  }

  /**
   * {@code deferred_split_folio(folio, true)}: page {@code sub} of the folio at {@code head} has
   * no mapping left; the folio is queued at the tail if it is not queued yet, and counted
   * ({@code thp_deferred_split_page}) when it becomes partially mapped.
   */
  void partiallyUnmapped(long head, int sub) {
    long[] unmapped = deferred.get(head);
    if (unmapped == null || unmapped == NONE) {
      // __folio_set_partially_mapped(): counted once; a queued folio keeps its place in the queue
      deferredSplitPage.inc();
      unmapped = new long[NR / 64];
      deferred.put(head, unmapped);
    }
    unmapped[sub >>> 6] |= 1L << sub;
  }

  /** The folio at {@code head} is freed ({@code folio_unqueue_deferred_split()}). */
  void unqueue(long head) {
    if (!deferred.isEmpty()) {
      deferred.remove(head);
    }
  }

  /** Whether the folio at {@code head} is queued and partially mapped ({@code folio_test_partially_mapped()}). */
  boolean partiallyMapped(long head) {
    long[] unmapped = deferred.isEmpty() ? null : deferred.get(head);
    return unmapped != null && partially(unmapped);
  }

  /** Whether {@code unmapped} has a page set (a partially mapped folio's bitmap is never empty). */
  private static boolean partially(long[] unmapped) {
    for (long w : unmapped) {
      if (w != 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code deferred_split_scan()}, the shrinker of every reclaim round: up to
   * {@value #SPLIT_BATCH} folios are taken off the head of the queue ({@code sc->nr_to_scan});
   * a partially mapped one is split ({@link #splitHugePage}), and goes back to the tail if that
   * fails; one mapped whole is split if {@code thp_underused()} says so
   * ({@code thp_underused_split_page}), and otherwise, or if that split fails, leaves the queue
   * for good. Not modelled: {@code do_shrink_slab()}'s scan scaled by the reclaim priority (the
   * reclaim model has no priorities: docs/deviations.md).
   */
  void deferredSplitScan(int cpu) {
    if (deferred.isEmpty()) {
      return;
    }
    int n = 0;
    for (var it = deferred.keySet().iterator(); it.hasNext() && n < SPLIT_BATCH; ) {
      taken[n++] = it.next();
    }
    for (int i = 0; i < n; i++) {
      long head = taken[i];
      long[] unmapped = deferred.remove(head);
      boolean partial = partially(unmapped);
      boolean underused = !partial && thpUnderused(head);
      if (!partial && !underused) {
        continue; // considered used: off the queue
      }
      if (splitHugePage(cpu, head, unmapped)) {
        if (underused) {
          underusedSplitPage.inc();
        }
      } else if (partial) {
        deferred.put(head, unmapped); // list_splice_tail(): back at the tail
      }
    }
  }

  /**
   * {@code thp_underused()}: with {@code max_ptes_none} below 511, whether more than
   * {@code max_ptes_none} of the folio's pages are zero-filled, looking no further once
   * {@code HPAGE_PMD_NR - max_ptes_none} are not; never with the default 511.
   */
  boolean thpUnderused(long head) {
    if (maxPtesNone == NR - 1) {
      return false;
    }
    int zero = 0;
    int filled = 0;
    for (int i = 0; i < NR; i++) {
      if (machine.isZeroed(head + i)) {
        if (++zero > maxPtesNone) {
          return true;
        }
      } else if (++filled >= NR - maxPtesNone) {
        return false;
      }
    }
    return false;
  }

  /**
   * {@code split_folio()} of the folio at {@code head} that page migration isolated and found no
   * target for ({@code try_split_folio()}): {@link #splitHugePage} with the pages the queue lists
   * as unmapped, and it leaves the queue. False if it could not be split.
   */
  boolean splitFolio(int cpu, long head) {
    long[] unmapped = deferred.isEmpty() ? null : deferred.get(head);
    if (!splitHugePage(cpu, head, unmapped)) {
      return false;
    }
    if (unmapped != null) {
      deferred.remove(head);
    }
    return true;
  }

  /**
   * {@code split_huge_page_to_list_to_order()} to order 0 of the folio at {@code head}, whose pages
   * in {@code unmapped} (null or empty: none) no mm maps: {@code unmap_folio()}, {@code __split_huge_page()}
   * and {@code remap_page()} as the class says; the unmapped and the zero-filled pages are freed,
   * the others stay 4 KiB pages of their mms ({@code thp_split_page}). False, with the folio
   * left whole (its PMDs split so far stay PTE tables, as the kernel's {@code -EAGAIN} path
   * leaves them), if a PMD could not get a PTE table or the allocator cannot split the block.
   */
  boolean splitHugePage(int cpu, long head, long[] unmapped) {
    int n = rmap.walkFolio(head, NR);
    // unmap_folio(): try_to_migrate() of every mm, then try_to_unmap_flush()
    for (int i = 0; i < n; i++) {
      MmState m = rmap.mm(i);
      long va = m.anonVa(head);
      if (va != LongLongMap.ABSENT && HugeMemory.isHuge(m.anon.get(va))) {
        // split_huge_pmd_address(freeze): pmdp_invalidate() flushes the 2 MiB at once
        if (!huge.split(cpu, m, va)) {
          tlb.batchFlush(cpu);
          return false;
        }
      } else {
        tlb.batchAdd(cpu, m.mm); // its PTEs cleared, the flush deferred (TTU_BATCH_FLUSH)
      }
    }
    tlb.batchFlush(cpu);
    if (!allocator.splitPage(cpu, head, HugeMemory.HPAGE_PMD_ORDER)) {
      return false; // remap_page() without the zero page: the PTEs map the folio as before
    }
    mapCount.folioSplit(head);
    machine.charge(cpu, KernelCosts.THP_SPLIT_PER_PAGE * NR);
    for (int i = 0; i < n; i++) {
      remapPage(cpu, rmap.mm(i), head);
    }
    for (int i = 0; unmapped != null && unmapped != NONE && i < NR; i++) {
      if ((unmapped[i >>> 6] & (1L << i)) != 0) {
        allocator.free(cpu, head + i, 0);
      }
    }
    splitPage.inc();
    return true;
  }

  /**
   * {@code remap_page(folio, nr, RMP_USE_SHARED_ZEROPAGE)} of one mm's mappings of the split folio
   * at {@code head}: each zero-filled page ({@code try_to_map_unused_to_zeropage()}) loses its PTE
   * here (the shared zero page in the kernel), and is freed once no mm maps it; every other page
   * keeps its PTE ({@code remove_migration_pte()}: the same page, the same permissions).
   */
  private void remapPage(int cpu, MmState m, long head) {
    for (int j = 0; j < NR; j++) {
      long pfn = head + j;
      if (!machine.isZeroed(pfn)) {
        continue;
      }
      long va = m.anonVa(pfn);
      if (va == LongLongMap.ABSENT) {
        continue; // not mapped here
      }
      as.unmapUser(cpu, m.mm, va);
      m.removeAnon(va);
      plugins.accessLost(cpu, m, pfn);
      if (!mapCount.drop(pfn)) {
        allocator.free(cpu, pfn, 0); // its last mapping: freed after the split
      }
    }
  }
}
