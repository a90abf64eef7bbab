package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_CMA;
import static io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_UNMOVABLE;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.PageMigration;
import io.asisim.api.mm.PageOrder;

/**
 * Direct compaction (mm/compaction.c): {@code try_to_compact_pages()} → {@code compact_zone()},
 * with the migrate scanner walking pageblocks up from the zone's start and the free scanner down
 * from its end until they meet or a free block of the requested order exists, and
 * {@code migrate_pages()} moving the isolated pages through the kernel's {@link PageMigration};
 * kcompactd's runs for an order ({@code kcompactd_do_work()}) and proactive ones
 * ({@code proactive_compact_node()}, {@link FragmentationScore}).
 * The per-run state is a {@link CompactControl}; the per-zone state (cached scanner positions,
 * deferral) is the zone's, as in {@code struct zone}.
 *
 * <p>Under ASI ({@code pageblock-migratetype}) a page moves only to a free page of its own
 * pageblock's sensitivity: the free scanner keeps what it isolates on one list per sensitivity
 * and {@code compaction_alloc()} takes from the source's, so compaction never flips a pageblock.
 * That rule is asi-sim's (docs/deviations.md, "compaction"); the posted series does not say how
 * compaction picks targets.
 *
 * <p>Not modelled (docs/deviations.md): {@code PB_migrate_skip} hints, the fast scanners
 * ({@code fast_isolate_freepages()}, {@code fast_find_migrateblock()}: the free scanner looks at
 * every pfn instead, where the kernel's asynchronous one samples every 32nd and takes the rest
 * from the free lists), capture of the freed block
 * ({@code compaction_capture()}), {@code too_many_isolated()} and contention; migration of large folios and of pages the kernel model cannot move
 * ({@link PageMigration#movable}). A seeded state's pages in movable pageblocks (the rest of the
 * system's page cache and anonymous memory, {@link Preexisting}) are moved here, without the kernel.
 */
final class Compaction implements CompactionHook {
  // enum compact_result, in the kernel's order (max() of two results is the more advanced)
  static final int COMPACT_NOT_SUITABLE_ZONE = 0;
  static final int COMPACT_SKIPPED = 1;
  static final int COMPACT_DEFERRED = 2;
  static final int COMPACT_NO_SUITABLE_PAGE = 3;
  static final int COMPACT_CONTINUE = 4;
  static final int COMPACT_COMPLETE = 5;
  static final int COMPACT_PARTIAL_SKIPPED = 6;
  static final int COMPACT_CONTENDED = 7;
  static final int COMPACT_SUCCESS = 8;

  /** {@code COMPACT_CLUSTER_MAX} = {@code SWAP_CLUSTER_MAX}: pages isolated per migrate batch. */
  static final int COMPACT_CLUSTER_MAX = PageOrder.SWAP_CLUSTER_MAX;
  /** {@code COMPACT_MAX_DEFER_SHIFT}. */
  static final int COMPACT_MAX_DEFER_SHIFT = 6;
  /** {@code sysctl_extfrag_threshold}'s default. */
  static final int EXTFRAG_THRESHOLD = 500;



  private final FreeArea fa;
  private final Pcp pcp;
  private final CompactScanners scanners;
  private final CompactControl cc;
  /** {@code compaction_alloc()} over {@link #cc}: the migration targets. */
  private final MigratePages.Target target;
  private final Counter stall;
  private final Counter success;
  private final Counter fail;
  private final Counter daemonWake;
  private final Counter daemonMigrateScanned;
  private final Counter daemonFreeScanned;
  private final Counter migrateScanned;
  private final Counter freeScanned;
  /** {@code vm.compaction_proactiveness}: 0..100, 0 turns proactive compaction off. */
  private final int proactiveness;
  /** {@code PF_MEMALLOC} of the compacting task: an allocation made while compacting does not compact. */
  private boolean running;

  Compaction(FreeArea fa, Pcp pcp, ArchPageOps arch, PageMigration migration, Preexisting preexisting,
      Metrics metrics, int proactiveness) {
    this.fa = fa;
    this.proactiveness = proactiveness;
    this.pcp = pcp;
    this.scanners = new CompactScanners(fa, pcp, arch, migration, preexisting, metrics);
    this.cc = new CompactControl(fa.nrSens);
    this.target = scanners.targetFor(cc);
    stall = metrics.counter(StandardMetrics.COMPACT_STALL);
    success = metrics.counter(StandardMetrics.COMPACT_SUCCESS);
    fail = metrics.counter(StandardMetrics.COMPACT_FAIL);
    daemonWake = metrics.counter(StandardMetrics.COMPACT_DAEMON_WAKE);
    daemonMigrateScanned = metrics.counter(StandardMetrics.COMPACT_DAEMON_MIGRATE_SCANNED);
    daemonFreeScanned = metrics.counter(StandardMetrics.COMPACT_DAEMON_FREE_SCANNED);
    migrateScanned = metrics.counter(StandardMetrics.COMPACT_MIGRATE_SCANNED);
    freeScanned = metrics.counter(StandardMetrics.COMPACT_FREE_SCANNED);
  }

  /**
   * {@code kcompactd_node_suitable()}: some populated zone up to {@code highest} for which
   * {@code compaction_suit_allocation_order()} at the min watermark says compaction should run.
   */
  @Override
  public boolean kcompactdSuitable(int order, int highest) {
    if (running) {
      return false; // asked from inside a compaction (its migration's allocations): cc is in use
    }
    for (int i = 0; i <= highest && i < fa.byIndex.length; i++) {
      Zone z = fa.byIndex[i];
      if (z != null && z.managedPages > 0) {
        cc.reset(z, order, AllocFlags.ALLOC_WMARK_MIN, CompactionHook.COMPACT_PRIO_SYNC_LIGHT, 0, 0, highest,
            MIGRATE_UNMOVABLE);
        if (suitAllocationOrder(cc) == COMPACT_CONTINUE) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code kcompactd_do_work()}: each zone up to {@code highest} that is not deferred and is
   * suitable compacted at {@code MIGRATE_SYNC_LIGHT} for {@code order}, as a {@code GFP_KERNEL}
   * request (unmovable: {@code __compact_finished()} then also ends when a block could be claimed);
   * success resets the zone's deferral, a run that found nothing defers it and drains the pcp lists.
   * Under ASI the blocks looked for are those of sensitivity index {@code sens}, the waker's.
   */
  @Override
  public void kcompactd(int cpu, int order, int highest, int sens) {
    if (order == 0 || running) {
      return;
    }
    daemonWake.inc();
    running = true;
    try {
      for (int i = 0; i <= highest && i < fa.byIndex.length; i++) {
        Zone z = fa.byIndex[i];
        if (z == null || z.managedPages == 0 || CompactDefer.compactionDeferred(z, order)) {
          continue;
        }
        cc.reset(z, order, AllocFlags.ALLOC_WMARK_MIN, CompactionHook.COMPACT_PRIO_SYNC_LIGHT, cpu, sens, highest,
            MIGRATE_UNMOVABLE);
        long migrate0 = migrateScanned.get();
        long free0 = freeScanned.get();
        int status = compactZone(cc);
        if (status == COMPACT_SUCCESS) {
          CompactDefer.deferReset(z, order, false);
        } else if (status == COMPACT_PARTIAL_SKIPPED || status == COMPACT_COMPLETE) {
          pcp.drainAllPages(fa);
          CompactDefer.deferCompaction(z, order);
        }
        daemonMigrateScanned.add(migrateScanned.get() - migrate0);
        daemonFreeScanned.add(freeScanned.get() - free0);
      }
    } finally {
      running = false;
    }
  }

  /**
   * kcompactd's timeout ({@code kcompactd()}): with {@code vm.compaction_proactiveness} on and the
   * node's fragmentation score above its high mark ({@code should_proactive_compact_node()}),
   * {@code proactive_compact_node()}: each populated zone compacted whole at
   * {@code MIGRATE_SYNC_LIGHT} as a {@code GFP_KERNEL} request of no order until its own score is
   * at most the low mark; the scans count as kcompactd's, as since Linux 6.4.
   */
  @Override
  public int proactiveCompact(int cpu) {
    if (proactiveness == 0) {
      return io.asisim.api.mm.PageAllocator.PROACTIVE_OFF;
    }
    int before = FragmentationScore.node(fa);
    if (running || before <= FragmentationScore.wmark(proactiveness, false)) {
      return io.asisim.api.mm.PageAllocator.PROACTIVE_IDLE;
    }
    running = true;
    try {
      for (Zone z : fa.byIndex) {
        if (z == null || z.spannedPages() == 0) {
          continue;
        }
        cc.reset(z, -1, AllocFlags.ALLOC_WMARK_MIN, CompactionHook.COMPACT_PRIO_SYNC_LIGHT, cpu, 0,
            fa.byIndex.length - 1, MIGRATE_UNMOVABLE);
        cc.proactive = true;
        long migrate0 = migrateScanned.get();
        long free0 = freeScanned.get();
        compactZone(cc);
        daemonMigrateScanned.add(migrateScanned.get() - migrate0);
        daemonFreeScanned.add(freeScanned.get() - free0);
      }
    } finally {
      running = false;
    }
    return FragmentationScore.node(fa) < before ? io.asisim.api.mm.PageAllocator.PROACTIVE_PROGRESS
        : io.asisim.api.mm.PageAllocator.PROACTIVE_NO_PROGRESS;
  }

  /**
   * {@code __alloc_pages_direct_compact()}: {@code try_to_compact_pages()}, then the freelists
   * again; counts {@code compact_stall} unless every zone was skipped, and success or failure.
   */
  @Override
  public int directCompact(int order, int allocFlags, int prio, AllocContext ac, GetPage getPage) {
    if (order == 0 || running) {
      return -1;
    }
    // the kernel's migration callbacks may allocate: keep the request's context to retry with
    int cpu = ac.cpu;
    int gfp = ac.gfp;
    int sens = ac.sens;
    int highest = ac.highestZoneIdx;
    int mt = ac.migratetype;
    running = true; // memalloc_noreclaim_save()
    int rc;
    try {
      rc = tryToCompactPages(order, allocFlags, prio, cpu, sens, highest, mt);
    } finally {
      running = false;
    }
    ac.reset(cpu, gfp, sens);
    ac.highestZoneIdx = highest;
    ac.migratetype = mt;
    ac.compactResult = rc;
    if (rc == COMPACT_SKIPPED) {
      return -1;
    }
    stall.inc();
    int pfn = getPage.getPageFromFreelist(order, allocFlags, ac);
    if (pfn >= 0) {
      CompactDefer.deferReset(fa.zoneOf(pfn), order, true);
      success.inc();
    } else {
      fail.inc();
    }
    return pfn;
  }

  /** {@code try_to_compact_pages()}: each zone of the zonelist, highest first, until one succeeds. */
  private int tryToCompactPages(int order, int allocFlags, int prio, int cpu, int sens, int highest, int mt) {
    int rc = COMPACT_SKIPPED;
    for (int i = highest; i >= 0; i--) {
      Zone z = fa.byIndex[i];
      if (z == null) {
        continue;
      }
      if (prio > CompactionHook.MIN_COMPACT_PRIORITY && CompactDefer.compactionDeferred(z, order)) {
        rc = Math.max(COMPACT_DEFERRED, rc);
        continue;
      }
      cc.reset(z, order, allocFlags, prio, cpu, sens, highest, mt);
      int status = compactZone(cc);
      rc = Math.max(status, rc);
      if (status == COMPACT_SUCCESS) {
        CompactDefer.deferReset(z, order, false);
        break;
      }
      if (prio != CompactionHook.COMPACT_PRIO_ASYNC && (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED)) {
        CompactDefer.deferCompaction(z, order);
      }
    }
    return rc;
  }

  /** {@code compact_zone()}; order -1 ({@code is_via_compact_memory()}): the whole zone, no suitability test. */
  private int compactZone(CompactControl cc) {
    Zone z = cc.zone;
    int ret = cc.order < 0 ? COMPACT_CONTINUE : suitAllocationOrder(cc);
    if (ret != COMPACT_CONTINUE) {
      return ret;
    }
    int start = z.startPfn;
    int end = z.endPfn;
    int lastFreeBlock = pageblockStart(end - 1);
    boolean whole = cc.order < 0; // proactive_compact_node() sets cc->whole_zone
    cc.migratePfn = whole ? start : z.compactCachedMigratePfn;
    cc.freePfn = whole ? lastFreeBlock : z.compactCachedFreePfn;
    if (cc.freePfn < start || cc.freePfn >= end) {
      cc.freePfn = lastFreeBlock;
      z.compactCachedFreePfn = cc.freePfn;
    }
    if (cc.migratePfn < start || cc.migratePfn >= end) {
      cc.migratePfn = start;
      z.compactCachedMigratePfn = start;
    }
    cc.wholeZone = cc.migratePfn == start && cc.freePfn == lastFreeBlock;
    int lastMigratedPfn = -1;
    while ((ret = compactFinished(cc)) == COMPACT_CONTINUE) {
      if (scanners.isolateMigratepages(cc)) {
        lastMigratedPfn = Math.max(z.startPfn, pageblockStart(cc.migratePfn - 1));
        // -ENOMEM from compaction_alloc() ends the run, unless the scanners met on the way
        if (!scanners.migratePages(cc, target) && !scannersMet(cc)) {
          ret = COMPACT_CONTENDED;
          break;
        }
      }
      // the scanner left the cc->order-aligned block it migrated from: let the freed pages merge
      if (cc.order > 0 && lastMigratedPfn >= 0 && lastMigratedPfn < (cc.migratePfn & -(1 << cc.order))) {
        drainLocal(z, cc.cpu); // lru_add_drain_cpu_zone() → drain_local_pages()
        lastMigratedPfn = -1;
      }
    }
    scanners.releaseFreepages(cc);
    z.compactCachedMigratePfn = cc.migratePfn;
    z.compactCachedFreePfn = cc.freePfn;
    if (scannersMet(cc)) {
      resetCachedPositions(z);
    }
    return ret;
  }

  /** {@code compaction_suit_allocation_order()} with {@code compaction_suitable()}. */
  private int suitAllocationOrder(CompactControl cc) {
    Zone z = cc.zone;
    int flags = cc.allocFlags;
    long mark = Watermarks.wmark(z, flags & AllocFlags.ALLOC_WMARK_MASK);
    if (Watermarks.zoneWatermarkOk(z, cc.order, mark, cc.highestZoneIdx, flags, z.freePages, fa.hasCma, fa.nrSens)) {
      return COMPACT_SUCCESS;
    }
    long wmark = Watermarks.wmark(z, cc.order > PageOrder.PAGE_ALLOC_COSTLY_ORDER ? AllocFlags.ALLOC_WMARK_LOW
        : AllocFlags.ALLOC_WMARK_MIN); // low_wmark_pages() / min_wmark_pages(): boost included
    // not suitable: COMPACT_SKIPPED, or COMPACT_NOT_SUITABLE_ZONE, which the caller treats as skipped
    return compactionSuitable(fa, z, cc.order, wmark, cc.highestZoneIdx) ? COMPACT_CONTINUE : COMPACT_SKIPPED;
  }

  /**
   * {@code compaction_suitable()}: the zone has the order-0 free memory the migration targets need
   * above {@code watermark} ({@code __compaction_suitable()}, {@code compact_gap()}: twice the
   * request), and for a costly order its failure comes from fragmentation rather than lack of
   * memory (fragmentation index above {@code sysctl_extfrag_threshold}).
   */
  static boolean compactionSuitable(FreeArea fa, Zone z, int order, long watermark, int highestZoneIdx) {
    if (!Watermarks.zoneWatermarkOk(z, 0, watermark + (2L << order), highestZoneIdx, AllocFlags.ALLOC_CMA, z.freePages,
        fa.hasCma, fa.nrSens)) {
      return false;
    }
    if (order > PageOrder.PAGE_ALLOC_COSTLY_ORDER) {
      int fragindex = ExtFrag.fragmentationIndex(order, z.nrFree);
      return fragindex < 0 || fragindex > EXTFRAG_THRESHOLD;
    }
    return true;
  }

  @Override
  public boolean wouldGoAhead(int order, int highest) {
    return wouldGoAhead(fa, order, highest);
  }

  /**
   * The zone loop of {@code should_continue_reclaim()} (mm/vmscan.c): whether some zone up to
   * {@code highestZoneIdx} could take the request at its min watermark or could compact for it.
   */
  static boolean wouldGoAhead(FreeArea fa, int order, int highestZoneIdx) {
    for (int i = 0; i <= highestZoneIdx && i < fa.byIndex.length; i++) {
      Zone z = fa.byIndex[i];
      if (z == null || z.managedPages == 0) {
        continue;
      }
      long min = Watermarks.wmark(z, AllocFlags.ALLOC_WMARK_MIN);
      if (Watermarks.zoneWatermarkOk(z, order, min, highestZoneIdx, 0, z.freePages, fa.hasCma, fa.nrSens)
          || compactionSuitable(fa, z, order, min, highestZoneIdx)) {
        return true;
      }
    }
    return false;
  }

  /** {@code __compact_finished()} as {@code compact_finished()} reports it. */
  private int compactFinished(CompactControl cc) {
    Zone z = cc.zone;
    if (scannersMet(cc)) {
      resetCachedPositions(z);
      return cc.wholeZone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
    }
    if (cc.proactive) {
      // (kswapd, which would end the run, runs to completion before any compaction starts here)
      return FragmentationScore.zone(z) > FragmentationScore.wmark(proactiveness, true) ? COMPACT_CONTINUE
          : COMPACT_SUCCESS;
    }
    if ((cc.migratePfn & (FrameTable.PB_PAGES - 1)) != 0) {
      return COMPACT_CONTINUE; // always finish the pageblock being scanned
    }
    int base = cc.sens * FrameTable.MIGRATE_TYPES;
    for (int o = cc.order; o < FrameTable.NR_PAGE_ORDERS; o++) {
      if (z.nrFree[o] == 0) {
        continue;
      }
      if (!z.freeAreaEmpty(o, base + cc.migratetype)) {
        return COMPACT_SUCCESS;
      }
      if (cc.migratetype == MIGRATE_MOVABLE && fa.hasCma && !z.freeAreaEmpty(o, base + MIGRATE_CMA)) {
        return COMPACT_SUCCESS;
      }
      if (Fallback.findSuitableFallback(z, o, cc.migratetype, cc.sens, true) >= 0) {
        return COMPACT_SUCCESS; // claimable (the scanner finished its pageblock, checked above)
      }
      if (fa.nrSens > 1 && o >= FrameTable.PB_ORDER && otherSensitivityFree(z, o, 1 - cc.sens)) {
        return COMPACT_SUCCESS; // a whole free pageblock the allocator flips to the request's sensitivity
      }
    }
    return COMPACT_CONTINUE; // COMPACT_NO_SUITABLE_PAGE
  }

  private static boolean otherSensitivityFree(Zone z, int order, int sens) {
    int base = sens * FrameTable.MIGRATE_TYPES;
    for (int mt = 0; mt < FrameTable.MIGRATE_TYPES; mt++) {
      if (mt != io.asisim.api.mm.Migratetype.MIGRATE_ISOLATE && !z.freeAreaEmpty(order, base + mt)) {
        return true;
      }
    }
    return false;
  }

  private void drainLocal(Zone z, int cpu) {
    if (z.pcpCount[cpu] > 0) {
      pcp.freePcppagesBulk(fa, z, cpu, z.pcpCount[cpu], 0);
    }
  }

  /** {@code compact_scanners_met()}. */
  static boolean scannersMet(CompactControl cc) {
    return (cc.freePfn >> FrameTable.PB_ORDER) <= (cc.migratePfn >> FrameTable.PB_ORDER);
  }

  /** {@code reset_cached_positions()}. */
  private static void resetCachedPositions(Zone z) {
    z.compactCachedMigratePfn = z.startPfn;
    z.compactCachedFreePfn = pageblockStart(z.endPfn - 1);
  }

  static int pageblockStart(int pfn) {
    return pfn & -FrameTable.PB_PAGES;
  }
}
