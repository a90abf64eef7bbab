package io.asisim.pagealloc;

import io.asisim.api.machine.PfnRange;

import io.asisim.api.mm.Migratetype;
/**
 * Verifies a {@link BuddyAllocator} (the checks {@code CONFIG_DEBUG_VM} and the checker of
 * docs/checker.md ask for): every list's length and {@code nr_free}/{@code NR_FREE_PAGES} agree with
 * the lists; every free block is an aligned {@code PageBuddy} head on the list of its pageblock's
 * freetype; every managed frame is covered by exactly one block (free, on a pcp list, in a pool
 * or allocated); no two free buddies below pageblock order were left unmerged; and under ASI every pageblock's
 * sensitivity equals its restricted-map state; no pageblock of ZONE_MOVABLE is unmovable or reclaimable. Linear in memory size: run it periodically.
 */
final class ConsistencyChecker {
  private final BuddyAllocator a;
  private final FrameTable ft;

  ConsistencyChecker(BuddyAllocator a) {
    this.a = a;
    this.ft = a.ft;
  }

  String check() {
    for (Zone z : a.zones) {
      String r = checkFreeLists(z);
      if (r == null) {
        r = checkPcp(z);
      }
      if (r == null) {
        r = checkCoverage(z);
      }
      if (r == null && z.index == io.asisim.api.mm.Gfp.ZONE_MOVABLE) {
        r = checkMovable(z);
      }
      if (r != null) {
        return "zone " + z.name + ": " + r;
      }
    }
    if (a.asi) {
      return checkSensitivityMapping();
    }
    return null;
  }

  /**
   * ZONE_MOVABLE holds movable pages only: {@code gfp_zone()} lets no other request reach it, so no
   * fallback ever claims one of its pageblocks for an unmovable or reclaimable type (the rule that
   * makes the zone offlinable, docs/deviations.md).
   */
  private String checkMovable(Zone z) {
    for (int p = z.startPfn; p < z.endPfn; p += FrameTable.PB_PAGES) {
      int mt = ft.pbMigratetype(p);
      if (mt == Migratetype.MIGRATE_UNMOVABLE || mt == Migratetype.MIGRATE_RECLAIMABLE) {
        return "pageblock at pfn " + p + " of ZONE_MOVABLE is " + Migratetype.values()[mt].pagetypeinfoName()
            + ": a kernel allocation reached the zone";
      }
    }
    return null;
  }

  private String checkFreeLists(Zone z) {
    long free = 0;
    long isolated = 0;
    for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
      long nr = 0;
      for (int t = 0; t < z.nrFreetypes; t++) {
        int l = z.list(o, t);
        int len = 0;
        int prev = Zone.NIL;
        for (int p = z.freeHead(l); p != Zone.NIL; p = ft.next(p)) {
          if (ft.prev(p) != prev) {
            return "broken prev link at pfn " + p;
          }
          prev = p;
          if (++len > z.spannedPages()) {
            return "cycle in free list order " + o + " type " + t;
          }
          if (!z.contains(p) || (p & ((1 << o) - 1)) != 0) {
            return "free block pfn " + p + " order " + o + " misaligned or outside the zone";
          }
          if (!ft.isBuddy(p, o)) {
            return "pfn " + p + " on free list order " + o + " is not a free head of that order";
          }
          String r = freeBlock(a, z, p, o, t);
          if (r != null) {
            return r;
          }
        }
        if (z.freeTail(l) != prev) {
          return "tail of list order " + o + " type " + t + " is stale";
        }
        if (len != z.freeLen(l)) {
          return "list order " + o + " type " + t + " has " + len + " blocks, counter says " + z.freeLen(l);
        }
        nr += len;
        if (t % FrameTable.MIGRATE_TYPES != Migratetype.MIGRATE_ISOLATE) {
          free += (long) len << o;
        } else {
          isolated += (long) len << o;
        }
      }
      String r = nrFree(z, o, nr);
      if (r != null) {
        return r;
      }
    }
    return freePages(z, free, isolated);
  }

  // One home for the rules the local check (LocalConsistencyChecker) applies to the blocks an op
  // changed and this walk to every block: the counters (against the lists' length counters there,
  // the lists themselves here), a block's shape, a free block's freetype and buddy, a pageblock's map.

  /** The block headed at {@code p}: aligned, inside its zone, its interior all tails. */
  static String blockShape(FrameTable ft, Zone z, int p) {
    int o = ft.stateOf(p) & FrameTable.ORDER_MASK;
    int n = 1 << o;
    if ((p & (n - 1)) != 0 || p + n > z.endPfn) {
      return "block at pfn " + p + " of order " + o + " misaligned or crossing the zone end";
    }
    for (int q = p + 1; q < p + n; q++) {
      if (ft.stateOf(q) != 0) {
        return "frame " + q + " is inside the block at pfn " + p + " and also a block head (both free and allocated)";
      }
    }
    return null;
  }

  /**
   * A free block of order {@code o} on a list of freetype {@code t}: every pageblock it covers is of
   * that freetype, and below pageblock order its buddy is not a free block of the same order and
   * freetype. Only below pageblock order is an unmerged pair always a bug: blocks of a pageblock or
   * more merge only when freed ({@code __free_one_page()}), and retyping a free one
   * ({@code unreserve_highatomic_pageblock()} giving a HIGHATOMIC block back next to a free buddy)
   * leaves the pair apart in the kernel too.
   */
  static String freeBlock(BuddyAllocator a, Zone z, int p, int o, int t) {
    int blocks = o > FrameTable.PB_ORDER ? 1 << (o - FrameTable.PB_ORDER) : 1;
    for (int b = 0; b < blocks; b++) {
      if (a.fa.freetypeOf(p + b * FrameTable.PB_PAGES) != t) {
        return "free block pfn " + p + " order " + o + " on list type " + t
            + " but its pageblock says " + a.fa.freetypeOf(p + b * FrameTable.PB_PAGES)
            + (b > 0 ? " (merged across freetypes)" : "");
      }
    }
    if (o < FrameTable.PB_ORDER) {
      int buddy = p ^ (1 << o);
      if (z.contains(buddy) && a.ft.isBuddy(buddy, o) && a.fa.freetypeOf(buddy) == t) {
        return "free buddies pfn " + p + " and " + buddy + " of order " + o + " not merged";
      }
    }
    return null;
  }

  /** A pageblock without boot-reserved frames: its sensitivity against the restricted PMD. */
  static String pageblockMapping(BuddyAllocator a, int p) {
    boolean nonsensitive = a.ft.pbNonsensitive(p);
    if (a.arch.isRestrictedMapped(p) != nonsensitive
        || a.arch.isRestrictedMapped(p + FrameTable.PB_PAGES - 1) != nonsensitive) {
      return "pageblock at pfn " + p + " is " + (nonsensitive ? "nonsensitive" : "sensitive")
          + " but the restricted direct map says " + (a.arch.isRestrictedMapped(p) ? "mapped" : "unmapped");
    }
    return null;
  }

  /** {@code nr_free} of {@code order} against {@code nr} blocks on its lists. */
  static String nrFree(Zone z, int order, long nr) {
    return nr == z.nrFree[order] ? null : "nr_free[" + order + "] is " + z.nrFree[order] + " but the lists hold " + nr;
  }

  /**
   * {@code NR_FREE_PAGES} against {@code free} pages on the lists (the isolate lists excepted), and
   * the isolated-pages total against {@code isolated} pages on the isolate lists.
   */
  static String freePages(Zone z, long free, long isolated) {
    if (free != z.freePages) {
      return "NR_FREE_PAGES is " + z.freePages + " but the lists hold " + free;
    }
    return isolated == z.isolatedPages ? null
        : "isolated pages total is " + z.isolatedPages + " but the isolate lists hold " + isolated;
  }

  /** The zone's pcp page total against the sum of its CPUs' {@code pcp->count}. */
  static String pcpPages(Zone z, int nrCpus) {
    long sum = 0;
    for (int c = 0; c < nrCpus; c++) {
      sum += z.pcpCount[c];
    }
    return sum == z.pcpPages ? null : "pcp pages total is " + z.pcpPages + " but pcp->count sums to " + sum;
  }

  /** {@code pcp->count} of {@code cpu} against {@code pages} on its lists. */
  static String pcpCount(Zone z, int cpu, long pages) {
    return pages == z.pcpCount[cpu] ? null
        : "cpu " + cpu + " pcp->count is " + z.pcpCount[cpu] + " but its lists hold " + pages;
  }

  private String checkPcp(Zone z) {
    for (int c = 0; c < a.nrCpus; c++) {
      long pages = 0;
      for (int i = 0; i < z.nrPcpLists; i++) {
        int l = c * z.nrPcpLists + i;
        int order = (i % FrameTable.NR_LOWORDER_PCP_LISTS) / Migratetype.MIGRATE_PCPTYPES;
        int len = 0;
        for (int p = z.pcpHead(l); p != Zone.NIL; p = ft.next(p)) {
          if (ft.stateOf(p) != (FrameTable.PCP | order) || !z.contains(p)) {
            return "pfn " + p + " on cpu " + c + " pcp list " + i + " is not a pcp page of order " + order;
          }
          if (++len > z.spannedPages()) {
            return "cycle in pcp list";
          }
          pages += 1L << order;
        }
        if (len != z.pcpLen(l)) {
          return "pcp list length mismatch on cpu " + c;
        }
      }
      String r = pcpCount(z, c, pages);
      if (r != null) {
        return r;
      }
    }
    return pcpPages(z, a.nrCpus);
  }

  private String checkCoverage(Zone z) {
    int p = z.startPfn;
    while (p < z.endPfn) {
      int s = ft.stateOf(p);
      boolean head = (s & FrameTable.WHERE_MASK) != 0 || (s & FrameTable.ALLOC) != 0;
      if (!head) {
        if (PfnRange.anyContains(a.reserved, p)) {
          p++;
          continue;
        }
        return "frame " + p + " is neither free nor allocated (lost)";
      }
      String r = blockShape(ft, z, p);
      if (r != null) {
        return r;
      }
      p += 1 << (s & FrameTable.ORDER_MASK);
    }
    return null;
  }

  private String checkSensitivityMapping() {
    for (Zone z : a.zones) {
      for (int p = z.startPfn; p < z.endPfn; p += FrameTable.PB_PAGES) {
        if (PfnRange.framesIn(a.reserved, p, p + FrameTable.PB_PAGES) > 0 || a.hotplug.isOffline(p)) {
          continue; // boot-reserved frames are never flipped; offline memory has no memmap to judge
        }
        String r = pageblockMapping(a, p);
        if (r != null) {
          return r;
        }
      }
    }
    return null;
  }
}
