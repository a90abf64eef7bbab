package io.asisim.sim.kernel;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Cost;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.sim.util.LongLongMap;

/**
 * Anonymous transparent huge pages (mm/huge_memory.c). With {@code transparent_hugepage/enabled}
 * {@code always}, or {@code madvise} and a {@code MADV_HUGEPAGE} mapping, the first fault in a
 * 2 MiB-aligned range wholly inside one anonymous mapping whose PMD is still empty
 * ({@code do_huge_pmd_anonymous_page()}) allocates an order-9 folio ({@code vma_thp_gfp_mask()} with
 * the default {@code defrag=madvise}: {@code GFP_TRANSHUGE}, which may reclaim, for
 * {@code MADV_HUGEPAGE} mappings, {@code GFP_TRANSHUGE_LIGHT}, which may not, for the others),
 * zeroes its 512 pages one by one as {@code folio_zero_user()} does (each through the zeroing
 * site's mapper, or the direct map: one ASI exit for the first sensitive one with the exit
 * mapper) and maps it with one PMD leaf ({@code thp_fault_alloc}); no folio, and the fault falls
 * back to 4 KiB pages ({@code thp_fault_fallback}). Fork shares the PMD write-protected
 * ({@code copy_huge_pmd()}); a write to it reuses the folio if no other mm maps it, else splits
 * this mm's PMD and copies the one 4 KiB page ({@code do_huge_pmd_wp_page()} → fallback). A
 * partial {@code munmap()} splits the PMD into a PTE table ({@code __split_huge_pmd()},
 * {@code thp_split_pmd}). The folio is freed whole when the last mapping of any of its pages goes
 * ({@link MapCount#folioUnmapped}); every new folio joins the deferred split queue
 * ({@code deferred_split_folio(folio, false)}, while {@code shrink_underused} is 1), and a folio a
 * page of which loses its last PTE mapping while others stay is partially mapped there; reclaim's
 * {@code deferred_split_scan()} splits a partially mapped or underused one into 4 KiB pages through
 * {@code unmap_folio()}, {@code __split_huge_page()} and {@code remap_page()}, flushing every mm that
 * maps it and freeing its unmapped and zero-filled pages ({@link HugeSplit}).
 *
 * <p>Partly modelled (docs/deviations.md): the split maps no shared zero page (a zero-filled page's
 * PTE is cleared), and the shrinker's scan is not scaled by a reclaim priority; a range that fell back or was split is
 * collapsed again only by {@link Khugepaged} (anonymous ranges: no {@code collapse_file()}, no
 * {@code MADV_COLLAPSE}); no THP on the brk heap or on file mappings (tmpfs files have PMD-size folios,
 * {@link ShmemHuge}, but a fault maps them by PTEs); mappings are 2 MiB-aligned only while
 * THP is enabled (the kernel aligns PMD-multiple anonymous mappings whenever
 * {@code CONFIG_TRANSPARENT_HUGEPAGE} is built).
 */
final class HugeMemory {
  static final int HPAGE_PMD_ORDER = 9;
  static final int HPAGE_PMD_NR = 1 << HPAGE_PMD_ORDER;
  static final long HPAGE_PMD_SIZE = 1L << 21;

  private final Machine machine;
  private final AddressSpaces as;
  private final TlbOps tlb;
  private final PageAllocator allocator;
  private final Highmem highmem;
  private final Vmscan vmscan;
  private final MapCount mapCount;
  private final Metrics metrics;
  private final long faultCost;
  private int mode = Kernel.THP_NEVER;
  private int defrag = Kernel.THP_DEFRAG_MADVISE;
  private Counter faultAlloc;
  private Counter faultFallback;
  private Counter splitPmd;
  /** The folio split and the deferred split queue. */
  final HugeSplit splitter;

  HugeMemory(Machine machine, PageAllocator allocator, Highmem highmem, Vmscan vmscan, MapCount mapCount,
      AsiPlugins plugins, TaskTable tasks, Metrics metrics) {
    this.mapCount = mapCount;
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.tlb = machine.tlb();
    this.allocator = allocator;
    this.highmem = highmem;
    this.vmscan = vmscan;
    this.metrics = metrics;
    this.faultCost = machine.profile().get(Cost.PAGE_FAULT);
    this.splitter = new HugeSplit(machine, allocator, mapCount, plugins, tasks, this, metrics);
  }

  /**
   * A write to {@code transparent_hugepage/enabled}: the counters appear in the run's metrics from
   * the first write of another value than {@code never}, so a run without THP reports what it did
   * before the model.
   */
  void setMode(int m) {
    if (m < Kernel.THP_NEVER || m > Kernel.THP_ALWAYS) {
      throw new IllegalArgumentException("transparent_hugepage mode " + m + " (valid: 0 never, 1 madvise, 2 always)");
    }
    mode = m;
    if (m != Kernel.THP_NEVER && faultAlloc == null) {
      faultAlloc = metrics.counter(KernelMetrics.THP_FAULT_ALLOC);
      faultFallback = metrics.counter(KernelMetrics.THP_FAULT_FALLBACK);
      splitPmd = metrics.counter(KernelMetrics.THP_SPLIT_PMD);
      splitter.registerCounters();
    }
  }

  /** A write to {@code transparent_hugepage/defrag}. */
  void setDefrag(int d) {
    if (d < Kernel.THP_DEFRAG_ALWAYS || d > Kernel.THP_DEFRAG_NEVER) {
      throw new IllegalArgumentException("transparent_hugepage defrag " + d + " (valid: 0.." + Kernel.THP_DEFRAG_NEVER
          + ", " + Kernel.THP_DEFRAG_NAMES + ")");
    }
    defrag = d;
  }

  /**
   * {@code vma_thp_gfp_mask()}: {@code always} reclaims and compacts directly (without retrying
   * unless madvised), {@code defer} only wakes kswapd, {@code defer+madvise} and {@code madvise}
   * compact directly for {@code MADV_HUGEPAGE} mappings, {@code never} neither.
   */
  static int vmaThpGfpMask(int defrag, boolean madvised) {
    switch (defrag) {
      case Kernel.THP_DEFRAG_ALWAYS:
        return Gfp.GFP_TRANSHUGE | (madvised ? 0 : Gfp.__GFP_NORETRY);
      case Kernel.THP_DEFRAG_DEFER:
        return Gfp.GFP_TRANSHUGE_LIGHT | Gfp.__GFP_KSWAPD_RECLAIM;
      case Kernel.THP_DEFRAG_DEFER_MADVISE:
        return Gfp.GFP_TRANSHUGE_LIGHT | (madvised ? Gfp.__GFP_DIRECT_RECLAIM : Gfp.__GFP_KSWAPD_RECLAIM);
      case Kernel.THP_DEFRAG_MADVISE:
        return Gfp.GFP_TRANSHUGE_LIGHT | (madvised ? Gfp.__GFP_DIRECT_RECLAIM : 0);
      default:
        return Gfp.GFP_TRANSHUGE_LIGHT;
    }
  }

  /** Whether new anonymous mappings are tracked for THP (any mode but {@code never}). */
  boolean enabled() {
    return mode != Kernel.THP_NEVER;
  }

  /**
   * {@code thp_vma_allowable_order()} and {@code pmd_none()} for a fault at {@code va}: the 2 MiB
   * around it lies in one anonymous mapping that the mode allows, nothing is mapped there and no
   * PTE table is left there ({@code AddressSpaces.hasUserPteTable}).
   */
  boolean eligible(MmState m, long va) {
    if (mode == Kernel.THP_NEVER || m.anonVmas.size() == 0) {
      return false;
    }
    long haddr = va & -HPAGE_PMD_SIZE;
    int vma = m.anonVmas.covering(haddr, haddr + HPAGE_PMD_SIZE);
    // pmd_none(): no page mapped and no PTE table left (MADV_DONTNEED of the whole 2 MiB keeps it)
    return vma >= 0 && allowed(m, vma) && m.pmdNone(haddr) && !as.hasUserPteTable(m.mm, haddr);
  }

  /**
   * {@code thp_vma_allowable_order()} of mapping {@code vma} of {@code m} as the mode says:
   * {@code always}, or {@code madvise} and the mapping has {@code VM_HUGEPAGE}.
   */
  boolean allowed(MmState m, int vma) {
    return mode == Kernel.THP_ALWAYS || mode == Kernel.THP_MADVISE && m.anonVmas.advised(vma);
  }

  /**
   * {@code do_huge_pmd_anonymous_page()} for an {@link #eligible} fault at {@code va}; false when
   * no folio could be had (counted as {@code thp_fault_fallback}: the caller maps a 4 KiB page).
   */
  boolean fault(int cpu, MmState m, long va) {
    long haddr = va & -HPAGE_PMD_SIZE;
    boolean advised = m.anonVmas.advised(m.anonVmas.covering(haddr, haddr + HPAGE_PMD_SIZE));
    int gfp = vmaThpGfpMask(defrag, advised) | Gfp.__GFP_ZERO;
    long pfn = vmscan.allocPages(cpu, HPAGE_PMD_ORDER, gfp);
    if (pfn < 0) {
      faultFallback.inc();
      return false;
    }
    machine.charge(cpu, faultCost + FaultCosts.ANON_FAULT);
    // folio_zero_user(): clear_user_highpage() of every subpage, the faulting one last
    int target = (int) ((va - haddr) >>> 12);
    for (int i = 0; i < HPAGE_PMD_NR; i++) {
      int sub = i < target ? i : i + 1;
      if (sub == HPAGE_PMD_NR) {
        sub = target;
      }
      highmem.clearPage(cpu, m.mm, pfn + sub, AccessSite.ZEROING);
    }
    if (!as.mapUserHuge(cpu, m.mm, haddr, pfn, true)) {
      allocator.free(cpu, pfn, HPAGE_PMD_ORDER);
      faultFallback.inc();
      return false;
    }
    for (int i = 0; i < HPAGE_PMD_NR; i++) {
      m.putAnon(haddr + ((long) i << 12), (pfn + i) | MmState.WRITABLE | MmState.HUGE);
    }
    mapCount.folioMapped(pfn, HPAGE_PMD_NR);
    splitter.queueUnderused(pfn); // deferred_split_folio(folio, false)
    faultAlloc.inc();
    return true;
  }

  /**
   * {@code __split_huge_pmd()} of this mm's huge mapping at {@code haddr}: a PTE table maps the
   * same frames with the same permissions and the 2 MiB translation leaves every CPU of the mm
   * ({@code pmdp_invalidate()} flushes the range); the folio stays whole. False if the table could
   * not be had (out of memory: the mapping stays huge).
   */
  boolean split(int cpu, MmState m, long haddr) {
    if (!as.splitUserHuge(cpu, m.mm, haddr)) {
      return false;
    }
    tlb.flushMmRange(cpu, m.mm, haddr, HPAGE_PMD_NR);
    for (int i = 0; i < HPAGE_PMD_NR; i++) {
      long a = haddr + ((long) i << 12);
      m.putAnon(a, m.anon.get(a) & ~MmState.HUGE);
    }
    splitPmd.inc();
    return true;
  }

  /**
   * {@code zap_huge_pmd()}: this mm's huge mapping at {@code haddr} goes; each frame's loss of
   * access is reported, and the folio is queued in {@code gather} if no other mapping is left.
   */
  void zap(int cpu, MmState m, long haddr, MmuGather gather, AsiPlugins plugins) {
    long head = m.anon.get(haddr) & MmState.PFN_MASK;
    // page_remove_rmap() of the PMD: a page whose last mapping it was leaves the folio partly
    // mapped only if other mms map it too (by PTEs, after a fork and a split there)
    boolean others = mapCount.folioMappings(head) > HPAGE_PMD_NR;
    as.unmapUserHuge(cpu, m.mm, haddr);
    for (int i = 0; i < HPAGE_PMD_NR; i++) {
      long pfn = m.removeAnon(haddr + ((long) i << 12)) & MmState.PFN_MASK;
      plugins.accessLost(cpu, m, pfn);
      if (unmapPage(pfn, gather) && others) {
        splitter.partiallyUnmapped(head, i);
      }
    }
  }

  /**
   * One mapping of anonymous page {@code pfn} goes ({@code folio_remove_rmap_pte()}): a page of a
   * THP folio as {@link #unmapPage} says, the folio then partly mapped if it was the page's last;
   * an order-0 page is queued in {@code gather} if no other mm maps it ({@code tlb_remove_page()}),
   * else it only loses a sharer.
   */
  void dropAnonPage(long pfn, MmuGather gather) {
    if (mapCount.folioOf(pfn) >= 0) {
      long head = pfn & -HPAGE_PMD_NR;
      if (unmapPage(pfn, gather)) {
        splitter.partiallyUnmapped(head, (int) (pfn - head));
      }
    } else if (!mapCount.drop(pfn)) {
      gather.removePage(pfn);
    }
  }

  /**
   * One mapping of THP page {@code pfn} goes ({@code folio_remove_rmap_*()}): the mapcount of a
   * page shared since a fork drops, and the folio is queued in {@code gather} when it was its last
   * (leaving the deferred split queue, {@code folio_unqueue_deferred_split()}). Returns whether it
   * was the page's last mapping in a folio that stays: the caller queues the folio for the
   * deferred split ({@code deferred_split_folio()}) when that leaves it partly mapped.
   */
  boolean unmapPage(long pfn, MmuGather gather) {
    boolean stillMapped = mapCount.drop(pfn);
    long head = pfn & -HPAGE_PMD_NR;
    if (mapCount.folioUnmapped(head)) {
      splitter.unqueue(head);
      gather.removeBlock(head, HPAGE_PMD_ORDER);
      return false;
    }
    return !stillMapped;
  }

  /** {@link HugeSplit#deferredSplitScan}: the deferred split shrinker, run by every reclaim round. */
  void deferredSplitScan(int cpu) {
    splitter.deferredSplitScan(cpu);
  }

  /** {@link HugeSplit#splitFolio}: migration's {@code try_split_folio()}. */
  boolean splitFolio(int cpu, long head) {
    return splitter.splitFolio(cpu, head);
  }

  /**
   * Migration moved the folio at {@code src} whole: it leaves the deferred split queue (freed:
   * {@code folio_undo_large_rmappable()}). Its copy is not queued: {@code migrate_pages_batch()}
   * splits a queued partially mapped folio before migrating it (Linux 6.10 "mm/migrate: split
   * source folio if it is on deferred split list"), so only one whose split failed, or one queued
   * only as a possibly underused folio, gets here, and {@code migrate_folio_move()} of the
   * v6.13–v6.14 tree read does not requeue the destination (a 2026 mm-stable patch, "mm: migrate:
   * requeue destination folio on deferred split queue", does).
   */
  void folioMigrated(long src) {
    splitter.unqueue(src);
  }

  /** Whether the folio at {@code head} is queued and partially mapped ({@code folio_test_partially_mapped()}). */
  boolean partiallyMapped(long head) {
    return splitter.partiallyMapped(head);
  }

  /**
   * {@code copy_huge_pmd()} at fork: the child maps the parent's huge page at {@code haddr} with a
   * read-only PMD and the parent's is write-protected; every page gains a sharer.
   */
  boolean copy(int cpu, MmState parent, MmState child, long haddr) {
    long head = parent.anon.get(haddr) & MmState.PFN_MASK;
    if (!as.mapUserHuge(cpu, child.mm, haddr, head, false)) {
      return false;
    }
    as.unmapUserHuge(cpu, parent.mm, haddr);
    as.mapUserHuge(cpu, parent.mm, haddr, head, false);
    for (int i = 0; i < HPAGE_PMD_NR; i++) {
      long a = haddr + ((long) i << 12);
      parent.putAnon(a, (head + i) | MmState.HUGE);
      child.putAnon(a, (head + i) | MmState.HUGE);
      mapCount.dup(head + i);
    }
    mapCount.folioMapped(head, HPAGE_PMD_NR);
    return true;
  }

  /**
   * {@code do_huge_pmd_wp_page()}: a write to the write-protected huge mapping at {@code haddr}.
   * If no page of the folio has another mapper the PMD is made writable in place (true);
   * otherwise this mm's PMD is split (false: the caller copies the 4 KiB page, as the kernel's
   * {@code VM_FAULT_FALLBACK} does).
   */
  boolean wpFault(int cpu, MmState m, long haddr) {
    long head = m.anon.get(haddr) & MmState.PFN_MASK;
    for (int i = 0; i < HPAGE_PMD_NR; i++) {
      if (mapCount.isShared(head + i)) {
        split(cpu, m, haddr);
        return false;
      }
    }
    machine.charge(cpu, faultCost + FaultCosts.WP_REUSE);
    as.unmapUserHuge(cpu, m.mm, haddr);
    as.mapUserHuge(cpu, m.mm, haddr, head, true);
    for (int i = 0; i < HPAGE_PMD_NR; i++) {
      long a = haddr + ((long) i << 12);
      m.putAnon(a, (head + i) | MmState.WRITABLE | MmState.HUGE);
    }
    tlb.flushMmRange(cpu, m.mm, haddr, HPAGE_PMD_NR);
    return true;
  }

  /** Whether anonymous value {@code v} is a page of a huge mapping. */
  static boolean isHuge(long v) {
    return v != LongLongMap.ABSENT && (v & MmState.HUGE) != 0;
  }
}
