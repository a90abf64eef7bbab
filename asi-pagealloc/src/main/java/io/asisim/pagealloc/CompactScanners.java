package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_CMA;
import static io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.PageMigration;

/**
 * The two scanners of mm/compaction.c and the migration between them: the migrate scanner
 * ({@code isolate_migratepages()}) isolates movable pages from the bottom of the zone, the free
 * scanner ({@code isolate_freepages()}) isolates free pages from the top as targets
 * ({@code compaction_alloc()}), and {@code migrate_pages()} moves each batch through the kernel's
 * {@link PageMigration}. {@link Compaction} drives them over a {@link CompactControl}.
 */
final class CompactScanners {
  /**
   * Cycles per pfn a scanner looks at (estimate: a {@code struct page} load and flag tests; the
   * real whole-run cost per migrated page is in docs/calibration.md, "Compaction").
   */
  static final long COST_SCAN_PER_PAGE = 20;

  private final FreeArea fa;
  private final ArchPageOps arch;
  private final Pcp pcp;
  private final MigratePages migrate;
  private final Counter migrateScanned;
  private final Counter freeScanned;
  private final Counter isolated;

  CompactScanners(FreeArea fa, Pcp pcp, ArchPageOps arch, PageMigration migration, Preexisting preexisting,
      Metrics metrics) {
    this.fa = fa;
    this.pcp = pcp;
    this.arch = arch;
    this.migrate = new MigratePages(fa, pcp, arch, migration, preexisting, metrics);
    migrateScanned = metrics.counter(StandardMetrics.COMPACT_MIGRATE_SCANNED);
    freeScanned = metrics.counter(StandardMetrics.COMPACT_FREE_SCANNED);
    isolated = metrics.counter(StandardMetrics.COMPACT_ISOLATED);
  }

  /**
   * {@code isolate_migratepages()} → {@code isolate_migratepages_block()}: from the migrate
   * scanner's position, the first pageblock below the free scanner that is a suitable source,
   * isolating up to {@link #Compaction.COMPACT_CLUSTER_MAX} pages the kernel can move. Whether any was isolated.
   */
  boolean isolateMigratepages(CompactControl cc) {
    FrameTable ft = fa.ft;
    int low = cc.migratePfn;
    int blockEnd = Math.min(Compaction.pageblockStart(low) + FrameTable.PB_PAGES, cc.zone.endPfn);
    for (; blockEnd <= cc.freePfn; low = blockEnd, blockEnd += FrameTable.PB_PAGES) {
      cc.migratePfn = low;
      if (!suitableMigrationSource(cc, Compaction.pageblockStart(low))) {
        continue;
      }
      long scanned = 0;
      int pfn = low;
      while (pfn < blockEnd && cc.nrMigratepages < Compaction.COMPACT_CLUSTER_MAX) {
        int s = ft.stateOf(pfn);
        int where = s & FrameTable.WHERE_MASK;
        int order = s & FrameTable.ORDER_MASK;
        scanned++;
        if (where == FrameTable.BUDDY) {
          pfn += 1 << order; // a free block: skip its pages (counted once)
          continue;
        }
        if (where == 0 && (s & FrameTable.ALLOC) != 0 && order > 0) {
          scanned += (1 << order) - 1; // a compound page is skipped whole, whatever cc->order
          pfn += 1 << order;
          continue;
        }
        if (migrate.movable(pfn, s)) {
          cc.migratepages[cc.nrMigratepages++] = pfn;
        }
        pfn++;
      }
      migrateScanned.add(scanned);
      arch.charge(cc.cpu, scanned * COST_SCAN_PER_PAGE);
      isolated.add(cc.nrMigratepages);
      cc.migratePfn = Math.min(pfn, blockEnd);
      return cc.nrMigratepages > 0;
    }
    cc.migratePfn = Math.min(low, cc.freePfn);
    return false;
  }

  /** {@code suitable_migration_source()}: async direct compaction takes only blocks of the request's type. */
  private boolean suitableMigrationSource(CompactControl cc, int blockStart) {
    int s = fa.ft.stateOf(blockStart);
    if ((s & FrameTable.ORDER_MASK) >= FrameTable.PB_ORDER && (s & FrameTable.ALLOC) != 0
        && (s & FrameTable.WHERE_MASK) == 0) {
      return false; // pageblock_skip_persistent(): a compound page of pageblock order
    }
    if (cc.prio != CompactionHook.COMPACT_PRIO_ASYNC) {
      return true;
    }
    int blockMt = fa.ft.pbMigratetype(blockStart);
    if (cc.migratetype == MIGRATE_MOVABLE) {
      return blockMt == MIGRATE_MOVABLE || blockMt == MIGRATE_CMA;
    }
    return blockMt == cc.migratetype;
  }

  /**
   * {@code migrate_pages()} of the isolated batch with {@code compaction_alloc()} ({@code target},
   * from {@link #targetFor}): each page to a free page of its sensitivity. False when a page found
   * no target ({@code -ENOMEM}); the pages not moved go back ({@code putback_movable_pages()}).
   */
  boolean migratePages(CompactControl cc, MigratePages.Target target) {
    int n = cc.nrMigratepages;
    cc.nrMigratepages = 0;
    return migrate.migrate(cc.cpu, cc.migratepages, n, target) == 0; // no folio failed, no -ENOMEM
  }

  /** {@code compaction_alloc()} over {@code cc}'s isolated free pages, as {@link #migratePages} asks for targets. */
  MigratePages.Target targetFor(CompactControl cc) {
    return (src, order, left) -> compactionAlloc(cc, fa.sensIndexOf(src), left); // order 0: no folio is isolated
  }

  /**
   * {@code compaction_alloc()}: an order-0 target of sensitivity {@code sens} from the isolated free
   * pages (the smallest block, split), isolating more ({@code isolate_freepages()}) when there is none.
   */
  private int compactionAlloc(CompactControl cc, int sens, int wanted) {
    int order = smallestFree(cc, sens);
    if (order < 0) {
      isolateFreepages(cc, sens, wanted);
      order = smallestFree(cc, sens);
      if (order < 0) {
        return -1;
      }
    }
    FrameTable ft = fa.ft;
    int pfn = cc.takeFirst(sens, order);
    while (order > 0) {
      order--;
      int half = pfn + (1 << order);
      ft.setState(half, FrameTable.ALLOC | order); // still isolated: off every list
      cc.addHead(sens, half, order);
    }
    ft.setState(pfn, MigratePages.MOVABLE_PAGE);
    return pfn;
  }

  private static int smallestFree(CompactControl cc, int sens) {
    for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
      if (cc.hasFree(sens, o)) {
        return o;
      }
    }
    return -1;
  }

  /**
   * {@code isolate_freepages()}: from the free scanner's position down to the pageblock above the
   * migrate scanner's, the free pages of suitable target blocks ({@link #isolateFreepagesBlock}),
   * until {@code wanted} pages of sensitivity {@code sens} are isolated; the free scanner resumes
   * where this stopped.
   */
  private void isolateFreepages(CompactControl cc, int sens, int wanted) {
    Zone z = cc.zone;
    int lowPfn = Compaction.pageblockStart(cc.migratePfn) + FrameTable.PB_PAGES;
    // every pfn: the kernel's asynchronous scanner samples every Compaction.COMPACT_CLUSTER_MAX-th pfn and finds
    // the rest through fast_isolate_freepages(), which takes free pages off the free lists directly
    int stride = 1;
    int isolateStart = cc.freePfn;
    int blockStart = Compaction.pageblockStart(isolateStart);
    int blockEnd = Math.min(blockStart + FrameTable.PB_PAGES, z.endPfn);
    for (; blockStart >= lowPfn && blockStart >= z.startPfn;
        blockEnd = blockStart, blockStart -= FrameTable.PB_PAGES, isolateStart = blockStart) {
      if (!suitableMigrationTarget(blockStart)) {
        continue;
      }
      isolateStart = isolateFreepagesBlock(cc, isolateStart, blockEnd, stride, sens, wanted);
      if (cc.freePages(sens) >= wanted) {
        if (isolateStart >= blockEnd) {
          isolateStart = blockStart - FrameTable.PB_PAGES; // resume at the next block down
        }
        break;
      } else if (isolateStart < blockEnd) {
        break; // isolation stopped early (the min watermark): do not go on needlessly
      }
    }
    cc.freePfn = isolateStart;
  }

  /**
   * {@code isolate_freepages_block()}: every {@code stride}-th pfn from {@code start}, isolating the
   * free blocks found there whole; returns where it stopped.
   */
  private int isolateFreepagesBlock(CompactControl cc, int start, int end, int stride, int sens, int wanted) {
    FrameTable ft = fa.ft;
    long scanned = 0;
    long taken = 0;
    int pfn = start;
    for (; pfn < end; pfn += stride) {
      scanned++;
      int s = ft.stateOf(pfn);
      int order = s & FrameTable.ORDER_MASK;
      if ((s & FrameTable.WHERE_MASK) == FrameTable.BUDDY) {
        if (!isolateFreePage(cc.zone, pfn, order)) {
          break; // the zone would drop below its min watermark
        }
        cc.addTail(fa.sensIndexOf(pfn), pfn, order);
        taken += 1L << order;
        if (cc.freePages(sens) >= wanted) {
          pfn += 1 << order;
          break;
        }
        pfn += (1 << order) - 1; // to the end of the block taken
      } else if ((s & FrameTable.ALLOC) != 0 && (s & FrameTable.WHERE_MASK) == 0 && order > 0
          && pfn + (1 << order) <= end) {
        scanned += (1 << order) - 1; // a compound page is skipped whole
        pfn += (1 << order) - 1;
      }
    }
    freeScanned.add(scanned);
    isolated.add(taken);
    arch.charge(cc.cpu, scanned * COST_SCAN_PER_PAGE);
    return Math.min(pfn, end);
  }

  /** {@code suitable_migration_target()}: a movable or CMA block that is not one free block already. */
  private boolean suitableMigrationTarget(int blockStart) {
    int s = fa.ft.stateOf(blockStart);
    if ((s & FrameTable.WHERE_MASK) == FrameTable.BUDDY && (s & FrameTable.ORDER_MASK) >= FrameTable.PB_ORDER) {
      return false; // do not break up a free pageblock
    }
    int mt = fa.ft.pbMigratetype(blockStart);
    return mt == MIGRATE_MOVABLE || mt == MIGRATE_CMA;
  }

  /** {@code __isolate_free_page()}: off the free list if the zone stays above its min mark; the head marked taken. */
  private boolean isolateFreePage(Zone z, int pfn, int order) {
    long mark = z.wmarkMin + (1L << order);
    if (!Watermarks.zoneWatermarkOk(z, 0, mark, 0, AllocFlags.ALLOC_CMA, z.freePages, fa.hasCma, fa.nrSens)) {
      return false;
    }
    fa.delFromFreeList(z, pfn, order, fa.freetypeOf(pfn));
    fa.ft.setState(pfn, FrameTable.ALLOC | order);
    return true;
  }

  /** {@code release_free_list()}: the isolated free pages compaction did not use go back to the buddy lists. */
  void releaseFreepages(CompactControl cc) {
    for (int s = 0; s < cc.nrSens(); s++) {
      for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
        while (cc.hasFree(s, o)) {
          int pfn = cc.takeFirst(s, o);
          fa.freeOnePage(cc.zone, pfn, o, fa.freetypeOf(pfn), false);
        }
      }
    }
  }
}
