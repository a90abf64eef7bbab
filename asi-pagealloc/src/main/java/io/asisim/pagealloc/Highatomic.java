package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_HIGHATOMIC;
import static io.asisim.api.mm.Migratetype.MIGRATE_PCPTYPES;

/**
 * The MIGRATE_HIGHATOMIC reserve of mm/page_alloc.c: {@code reserve_highatomic_pageblock()} after
 * an {@code ALLOC_HIGHATOMIC} success, {@code unreserve_highatomic_pageblock()} when a blocking
 * request is about to fail. Under ASI each sensitivity has its own HIGHATOMIC lists; unreserving
 * looks at the request's sensitivity first.
 */
final class Highatomic {
  private final FreeArea fa;
  private final FrameTable ft;

  Highatomic(FreeArea fa) {
    this.fa = fa;
    this.ft = fa.ft;
  }

  /** {@code reserve_highatomic_pageblock()}: at most 1% of the zone, a pageblock at a time. */
  void reserve(Zone z, int pfn, int order) {
    if (z.managedPages / 100 < FrameTable.PB_PAGES) {
      return;
    }
    long maxManaged = alignUp(z.managedPages / 100, FrameTable.PB_PAGES);
    if (z.nrReservedHighatomic >= maxManaged) {
      return;
    }
    int mt = ft.pbMigratetype(pfn);
    if (mt >= MIGRATE_PCPTYPES) {
      return;
    }
    int base = fa.sensIndexOf(pfn) * FrameTable.MIGRATE_TYPES;
    if (order < FrameTable.PB_ORDER) {
      int start = pfn & ~(FrameTable.PB_PAGES - 1);
      if (start < z.startPfn || start + FrameTable.PB_PAGES > z.endPfn) {
        return;
      }
      fa.moveFreepagesBlock(z, start, base + mt, base + MIGRATE_HIGHATOMIC);
      ft.setPbMigratetype(start, MIGRATE_HIGHATOMIC);
      z.nrReservedHighatomic += FrameTable.PB_PAGES;
    } else {
      fa.changePageblockRange(pfn, order, MIGRATE_HIGHATOMIC);
      z.nrReservedHighatomic += 1L << order;
    }
  }

  private static long alignUp(long v, long a) {
    return (v + a - 1) / a * a;
  }

  /** {@code unreserve_highatomic_pageblock()}: gives one reserved block back to {@code mt}. */
  boolean unreserve(int highest, int mt, int sens, boolean force) {
    int nrSens = fa.nrSens;
    for (int zi = highest; zi >= 0; zi--) {
      Zone z = fa.byIndex[zi];
      if (z == null) {
        continue;
      }
      if (!force && z.nrReservedHighatomic <= FrameTable.PB_PAGES) {
        continue;
      }
      for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
        for (int s = 0; s < nrSens; s++) {
          int sIdx = nrSens > 1 ? (s == 0 ? sens : 1 - sens) : 0;
          int base = sIdx * FrameTable.MIGRATE_TYPES;
          int pfn = z.freeHead(z.list(o, base + MIGRATE_HIGHATOMIC));
          if (pfn == Zone.NIL) {
            continue;
          }
          long size = Math.max(FrameTable.PB_PAGES, 1L << o);
          size = Math.min(size, z.nrReservedHighatomic);
          z.nrReservedHighatomic -= size;
          if (o < FrameTable.PB_ORDER) {
            int start = pfn & ~(FrameTable.PB_PAGES - 1);
            fa.moveFreepagesBlock(z, start, base + MIGRATE_HIGHATOMIC, base + mt);
            ft.setPbMigratetype(start, mt);
          } else {
            fa.delFromFreeList(z, pfn, o, base + MIGRATE_HIGHATOMIC);
            fa.addToFreeList(z, pfn, o, base + mt, false);
            fa.changePageblockRange(pfn, o, mt);
          }
          return true;
        }
      }
    }
    return false;
  }
}
