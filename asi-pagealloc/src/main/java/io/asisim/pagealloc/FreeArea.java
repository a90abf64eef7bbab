package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_ISOLATE;
import static io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_PCPTYPES;

/**
 * The free-area core of mm/page_alloc.c: the zones' {@code free_area[]} lists and the primitives
 * on them ({@code __add_to_free_list()}, {@code __del_page_from_free_list()}, {@code expand()},
 * {@code __rmqueue_smallest()}, {@code __free_one_page()} with its merge rules,
 * {@code __move_freepages_block()}), plus the pageblock lookups they need
 * ({@code get_pfnblock_freetype()} of the ASI series, {@code page_zone()}).
 *
 * <p>With two sensitivities a freetype is {@code MIGRATE_TYPES * sensitive + migratetype} and a
 * free page's sensitivity is its pageblock's {@code PB_nonsensitive} bit ("mm/asi: encode
 * sensitivity in freetypes and pageblocks"); with one, freetypes are migratetypes.
 */
final class FreeArea {
  final FrameTable ft;
  final Zone[] zones;
  /** Zone by {@code ZONE_*} index, null when not populated. */
  final Zone[] byIndex;
  final int nrSens;
  /** Whether any pageblock is MIGRATE_CMA (configured or seeded). */
  boolean hasCma;

  FreeArea(FrameTable ft, Zone[] zones, Zone[] byIndex, int nrSens) {
    this.ft = ft;
    this.zones = zones;
    this.byIndex = byIndex;
    this.nrSens = nrSens;
  }

  /**
   * Free pages in every zone: the buddy lists ({@code NR_FREE_PAGES}), the pcp lists of
   * CPUs, and isolated blocks, which NR_FREE_PAGES leaves out but are free all the same.
   */
  long nrFreePages() {
    long n = 0;
    for (Zone z : zones) {
      n += z.freePages + z.pcpPages + z.isolatedPages; // running totals: reclaim asks per allocation
    }
    return n;
  }

  /** {@code get_pfnblock_freetype()}: a free page's pageblock migratetype and sensitivity. */
  int freetypeOf(int pfn) {
    int mt = ft.pbMigratetype(pfn);
    return nrSens > 1 && !ft.pbNonsensitive(pfn) ? mt + FrameTable.MIGRATE_TYPES : mt;
  }

  /** The sensitivity index of the pageblock of {@code pfn} (0 with one sensitivity). */
  int sensIndexOf(int pfn) {
    return nrSens > 1 && !ft.pbNonsensitive(pfn) ? 1 : 0;
  }

  /** {@code page_zone()}. */
  Zone zoneOf(int pfn) {
    for (int i = zones.length - 1; i >= 0; i--) {
      if (pfn >= zones[i].startPfn) {
        return zones[i];
      }
    }
    throw new IllegalArgumentException("pfn " + pfn + " below every zone");
  }

  /** The first populated zone at or below {@code highest} ({@code first_zones_zonelist()}). */
  Zone preferredZone(int highest) {
    for (int i = highest; i >= 0; i--) {
      if (byIndex[i] != null) {
        return byIndex[i];
      }
    }
    return null;
  }

  /** {@code __add_to_free_list()} + {@code set_buddy_order()}. */
  void addToFreeList(Zone z, int pfn, int order, int freetype, boolean toTail) {
    int l = z.list(order, freetype);
    ft.listAdd(z.free, l, pfn, toTail);
    ft.setState(pfn, (byte) (FrameTable.BUDDY | order));
    z.nrFree[order]++;
    if (freetype % FrameTable.MIGRATE_TYPES != MIGRATE_ISOLATE) {
      z.freePages += 1L << order;
    } else {
      z.isolatedPages += 1L << order;
    }
  }

  /** {@code __del_page_from_free_list()}. */
  void delFromFreeList(Zone z, int pfn, int order, int freetype) {
    int l = z.list(order, freetype);
    ft.listDel(z.free, l, pfn);
    ft.setState(pfn, 0);
    z.nrFree[order]--;
    if (freetype % FrameTable.MIGRATE_TYPES != MIGRATE_ISOLATE) {
      z.freePages -= 1L << order;
    } else {
      z.isolatedPages -= 1L << order;
    }
  }

  /** {@code expand()}: splits a block of order {@code high} down to {@code low}, freeing the upper halves. */
  void expand(Zone z, int pfn, int low, int high, int freetype) {
    int size = 1 << high;
    while (high > low) {
      high--;
      size >>= 1;
      addToFreeList(z, pfn + size, high, freetype, false);
    }
  }

  /** {@code __rmqueue_smallest()}: the first order with a free block of the freetype, split down. */
  int rmqueueSmallest(Zone z, int order, int freetype) {
    for (int o = order; o < FrameTable.NR_PAGE_ORDERS; o++) {
      int pfn = z.freeHead(z.list(o, freetype));
      if (pfn == Zone.NIL) {
        continue;
      }
      delFromFreeList(z, pfn, o, freetype);
      expand(z, pfn, order, o, freetype);
      return pfn;
    }
    return -1;
  }

  /** {@code prep_new_page()} as far as the frame table goes: an allocated head of {@code order}. */
  void markAllocated(int pfn, int order, int mt) {
    ft.setState(pfn, allocatedState(order, mt));
  }

  /**
   * {@code split_page()}: the allocated block of {@code order} at {@code pfn} becomes allocated
   * order-0 pages of the block's own migratetype (its head's, which the request chose, not the
   * pageblock's), to be freed one by one. True.
   */
  boolean splitAllocated(int pfn, int order) {
    byte page = (byte) (FrameTable.ALLOC | (ft.stateOf(pfn) & FrameTable.MOVABLE_ALLOC));
    for (int p = pfn; p < pfn + (1 << order); p++) {
      ft.setState(p, page);
    }
    return true;
  }

  /** The frame-table state of an allocated head of {@code order} and migratetype {@code mt}. */
  static byte allocatedState(int order, int mt) {
    return (byte) (FrameTable.ALLOC | (mt == MIGRATE_MOVABLE ? FrameTable.MOVABLE_ALLOC : 0) | order);
  }

  /**
   * {@code free_one_page()} → {@code __free_one_page_maybe_split()} (formerly
   * {@code split_large_buddy()}): a block larger than a pageblock whose pageblocks do not all have
   * the same freetype is freed pageblock by pageblock, each to the list of its own freetype. Only
   * a block assembled outside the buddy lists can be mixed: the unmapped pool merges 2 MiB refills
   * whose pageblocks {@code reserve_highatomic_pageblock()} may have retyped one by one.
   */
  void freeOnePageMaybeSplit(Zone z, int pfn, int order) {
    int freetype = freetypeOf(pfn);
    if (order > FrameTable.PB_ORDER) {
      int end = pfn + (1 << order);
      for (int p = pfn + FrameTable.PB_PAGES; p < end; p += FrameTable.PB_PAGES) {
        if (freetypeOf(p) != freetype) {
          for (int q = pfn; q < end; q += FrameTable.PB_PAGES) {
            freeOnePage(z, q, FrameTable.PB_ORDER, freetypeOf(q), false);
          }
          return;
        }
      }
    }
    freeOnePage(z, pfn, order, freetype, false);
  }

  /** {@code can_merge_freetypes()} of the ASI series (mainline's rule when there is one sensitivity). */
  static boolean canMergeFreetypes(int a, int b) {
    if (a == b) {
      return true;
    }
    int ma = a % FrameTable.MIGRATE_TYPES;
    int mb = b % FrameTable.MIGRATE_TYPES;
    if (ma >= MIGRATE_PCPTYPES || mb >= MIGRATE_PCPTYPES) {
      return false;
    }
    return a / FrameTable.MIGRATE_TYPES == b / FrameTable.MIGRATE_TYPES;
  }

  /** {@code __free_one_page()}: merge with free buddies, then add to the head or tail of the list. */
  void freeOnePage(Zone z, int pfn, int order, int freetype, boolean toTail) {
    ft.setState(pfn, 0); // no longer an allocated or pcp head; becomes a tail if it merges
    int buddy = pfn;
    while (order < FrameTable.MAX_ORDER) {
      buddy = pfn ^ (1 << order);
      if (!z.contains(buddy) || !ft.isBuddy(buddy, order)) {
        break;
      }
      int buddyFt = freetype;
      if (order >= FrameTable.PB_ORDER) {
        buddyFt = freetypeOf(buddy);
        if (!canMergeFreetypes(freetype, buddyFt)) {
          break;
        }
      }
      delFromFreeList(z, buddy, order, buddyFt);
      if (buddyFt != freetype) {
        changePageblockRange(buddy, order, freetype % FrameTable.MIGRATE_TYPES);
      }
      pfn &= buddy;
      order++;
    }
    boolean tail = toTail || buddyMergeLikely(z, pfn, buddy, order);
    addToFreeList(z, pfn, order, freetype, tail);
  }

  /** {@code buddy_merge_likely()}: the buddy of the next-higher block is free, so add to the tail. */
  private boolean buddyMergeLikely(Zone z, int pfn, int buddyPfn, int order) {
    if (order >= FrameTable.MAX_ORDER - 1) {
      return false;
    }
    int higher = buddyPfn & pfn;
    int higherBuddy = higher ^ (1 << (order + 1));
    return z.contains(higherBuddy) && ft.isBuddy(higherBuddy, order + 1);
  }

  /** {@code __move_freepages_block()}: moves every free block of the pageblock to another list. */
  int moveFreepagesBlock(Zone z, int start, int fromFt, int toFt) {
    int moved = 0;
    int end = start + FrameTable.PB_PAGES;
    for (int p = start; p < end; ) {
      int s = ft.stateOf(p);
      if ((s & FrameTable.WHERE_MASK) != FrameTable.BUDDY) {
        p++;
        continue;
      }
      int o = s & FrameTable.ORDER_MASK;
      delFromFreeList(z, p, o, fromFt);
      addToFreeList(z, p, o, toFt, true);
      moved += 1 << o;
      p += 1 << o;
    }
    return moved;
  }

  /** Free pages in blocks of {@code minOrder} or more, every zone (/proc/buddyinfo's columns from it). */
  long freePagesInBlocks(int minOrder) {
    long n = 0;
    for (Zone z : zones) {
      for (int o = Math.max(0, minOrder); o < FrameTable.NR_PAGE_ORDERS; o++) {
        n += z.nrFree[o] << o;
      }
    }
    return n;
  }

  /** {@code change_pageblock_range()}. */
  void changePageblockRange(int pfn, int order, int mt) {
    int n = order > FrameTable.PB_ORDER ? 1 << (order - FrameTable.PB_ORDER) : 1;
    for (int i = 0; i < n; i++) {
      ft.setPbMigratetype(pfn + i * FrameTable.PB_PAGES, mt);
    }
  }
}
