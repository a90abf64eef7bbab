package io.asisim.pagealloc;

import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.PfnRange;
import io.asisim.api.mm.Migratetype;

/**
 * The local part of {@link ConsistencyChecker}, run on the frames a {@link ChangeLog} lists after
 * each op (docs/checker.md, "Incremental checking"), as the kernel's {@code VM_BUG_ON_PAGE()} checks
 * in {@code __free_one_page()} and {@code expand()} look at the pages they touch and leave whole
 * scans to debugfs. For each logged frame it finds the block that covers it (a head within
 * {@code MAX_ORDER} aligned steps below) and checks that block as the full walk would: aligned and
 * inside its zone, interior frames are tails, a free block's list links point back at it and, at a
 * list end, it is the head or tail of the list of its pageblock's freetype (every pageblock of a
 * larger block on that freetype), no free buddy of the same order and freetype left unmerged below
 * pageblock order; a pcp page's links point back at it. Per zone, the counters that are cheap to
 * compare ({@code nr_free[]} and {@code NR_FREE_PAGES} against the list lengths' counters, each
 * CPU's {@code pcp->count} against its lists' counters); per logged pageblock, its sensitivity
 * against the restricted map. What only a walk can see — a list's real length, a cycle, a block
 * linked into the middle of the wrong list, a lost frame nobody logged — is the periodic full
 * check's. Cost: linear in the logged frames (a block's interior is read once), not in memory.
 */
final class LocalConsistencyChecker {
  private final BuddyAllocator a;
  private final FrameTable ft;

  LocalConsistencyChecker(BuddyAllocator a) {
    this.a = a;
    this.ft = a.ft;
  }

  String check(ChangeLog log) {
    for (Zone z : a.zones) {
      // a zone none of whose frames changed kept its lists and counters
      String r = touched(z, log) ? checkCounters(z) : null;
      if (r != null) {
        return "zone " + z.name + ": " + r;
      }
    }
    for (int i = 0; i < log.nrFrameRanges(); i++) {
      long start = log.framePfn(i);
      long end = Math.min(start + log.frameCount(i), ft.nrFrames);
      String r = checkRange((int) start, (int) end);
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  private static boolean touched(Zone z, ChangeLog log) {
    for (int i = 0; i < log.nrFrameRanges(); i++) {
      if (log.framePfn(i) < z.endPfn && log.framePfn(i) + log.frameCount(i) > z.startPfn) {
        return true;
      }
    }
    return false;
  }

  private String checkCounters(Zone z) {
    long free = 0;
    long isolated = 0;
    for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
      long nr = 0;
      for (int t = 0; t < z.nrFreetypes; t++) {
        int len = z.freeLen(z.list(o, t));
        nr += len;
        if (t % FrameTable.MIGRATE_TYPES != Migratetype.MIGRATE_ISOLATE) {
          free += (long) len << o;
        } else {
          isolated += (long) len << o;
        }
      }
      String r = ConsistencyChecker.nrFree(z, o, nr);
      if (r != null) {
        return r;
      }
    }
    String r = ConsistencyChecker.freePages(z, free, isolated);
    if (r != null) {
      return r;
    }
    for (int c = 0; c < a.nrCpus; c++) {
      long pages = 0;
      for (int i = 0; i < z.nrPcpLists; i++) {
        int order = (i % FrameTable.NR_LOWORDER_PCP_LISTS) / Migratetype.MIGRATE_PCPTYPES;
        pages += (long) z.pcpLen(c * z.nrPcpLists + i) << order;
      }
      r = ConsistencyChecker.pcpCount(z, c, pages);
      if (r != null) {
        return r;
      }
    }
    return ConsistencyChecker.pcpPages(z, a.nrCpus);
  }

  /** Checks every block that covers a frame of {@code [start, end)}, and the pageblocks. */
  private String checkRange(int start, int end) {
    int p = start;
    while (p < end) {
      if (PfnRange.anyContains(a.reserved, p)) {
        p++;
        continue;
      }
      Zone z = zoneContaining(p);
      if (z == null) {
        p++; // a hole between zones, or past the last: the full walk does not look there either
        continue;
      }
      int head = coveringHead(z, p);
      if (head < 0) {
        return "zone " + z.name + ": frame " + p + " is neither free nor allocated (lost)";
      }
      String r = checkBlock(z, head);
      if (r != null) {
        return "zone " + z.name + ": " + r;
      }
      p = head + (1 << (ft.stateOf(head) & FrameTable.ORDER_MASK));
    }
    if (a.asi) {
      for (int pb = start & ~(FrameTable.PB_PAGES - 1); pb < end; pb += FrameTable.PB_PAGES) {
        String r = checkPageblock(pb);
        if (r != null) {
          return r;
        }
      }
    }
    return null;
  }

  /**
   * The head of the block covering {@code p}: in a consistent table exactly one head at {@code p}
   * aligned down to some order reaches it; the lowest such head is taken (searching from
   * {@code MAX_ORDER} down), so a head written inside another block is found by that block's
   * interior check as the full walk finds it. -1 if none.
   */
  private int coveringHead(Zone z, int p) {
    for (int o = FrameTable.MAX_ORDER; o >= 0; o--) {
      int h = p & ~((1 << o) - 1);
      if (h < z.startPfn) {
        continue;
      }
      int s = ft.stateOf(h);
      if (s != 0 && h + (1 << (s & FrameTable.ORDER_MASK)) > p) {
        return h;
      }
    }
    return -1;
  }

  private String checkBlock(Zone z, int p) {
    String r = ConsistencyChecker.blockShape(ft, z, p);
    if (r != null) {
      return r;
    }
    int s = ft.stateOf(p);
    int o = s & FrameTable.ORDER_MASK;
    int where = s & FrameTable.WHERE_MASK;
    if (where == FrameTable.BUDDY) {
      return checkFreeBlock(z, p, o);
    }
    if (where == FrameTable.PCP) {
      return checkLinks(p, "pcp page");
    }
    return null;
  }

  private String checkFreeBlock(Zone z, int p, int o) {
    int t = a.fa.freetypeOf(p);
    int l = z.list(o, t);
    int prev = ft.prev(p);
    int next = ft.next(p);
    if ((prev == Zone.NIL && z.freeHead(l) != p) || (next == Zone.NIL && z.freeTail(l) != p)) {
      return "free block pfn " + p + " order " + o + " is not on the list of its pageblock's freetype " + t;
    }
    String r = checkLinks(p, "free block");
    if (r != null) {
      return r;
    }
    return ConsistencyChecker.freeBlock(a, z, p, o, t);
  }

  private Zone zoneContaining(int p) {
    for (Zone z : a.zones) {
      if (z.contains(p)) {
        return z;
      }
    }
    return null;
  }

  /** The neighbours of a listed head point back at it. */
  private String checkLinks(int p, String what) {
    int prev = ft.prev(p);
    int next = ft.next(p);
    if ((prev != Zone.NIL && ft.next(prev) != p) || (next != Zone.NIL && ft.prev(next) != p)) {
      return "broken list links at " + what + " pfn " + p;
    }
    return null;
  }

  private String checkPageblock(int p) {
    Zone z = zoneContaining(p);
    if (z == null || PfnRange.framesIn(a.reserved, p, p + FrameTable.PB_PAGES) > 0 || a.hotplug.isOffline(p)) {
      return null; // as the full check: boot-reserved frames are never flipped, offline ones not judged
    }
    return ConsistencyChecker.pageblockMapping(a, p);
  }
}
