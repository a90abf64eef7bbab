package io.asisim.pagealloc;

import io.asisim.api.mm.Migratetype;

/**
 * The frames an initial state leaves allocated by "the rest of the system" ({@link InitialState}),
 * one bit each, for replays of traces that free pages allocated before the capture began: such a
 * free adopts a block of the same order from them ({@link BuddyAllocator#freePreexisting}), so the
 * simulated machine gains the memory the real one gained instead of running short. Nothing else
 * frees these frames; compaction may move one ({@link #move}).
 *
 * <p>Which block: the real pfn cannot be used (the seeded layout is not the real one), so the
 * lowest aligned run of {@code 2^order} held frames, first in MOVABLE pageblocks (what reclaim
 * frees in bulk: page cache and anonymous memory), then in any. A cursor per pass and order keeps
 * the search linear over a replay: a run below the cursor had no eligible block when it passed,
 * and bits are only cleared there, so it still has none (a pageblock that turns MOVABLE below the
 * first pass's cursor is left to the second pass, which considers every pageblock; a page
 * compaction moves below a cursor takes the cursor back).
 */
final class Preexisting {
  private final long[] bits;
  private final int nrFrames;
  /** Per pass (0: MOVABLE pageblocks only, 1: any) and order: no eligible block below it. */
  private final long[][] cursor = new long[2][FrameTable.NR_PAGE_ORDERS];
  private long held;

  Preexisting(int nrFrames) {
    this.nrFrames = nrFrames;
    this.bits = new long[(nrFrames + 63) >>> 6];
  }

  /** Frame {@code pfn} is allocated by the rest of the system. */
  void mark(int pfn) {
    if (!isHeld(pfn)) {
      bits[pfn >>> 6] |= 1L << pfn;
      held++;
    }
  }

  /** Frame {@code pfn} is not (a seeded free block covers it). */
  void unmark(int pfn) {
    if (isHeld(pfn)) {
      bits[pfn >>> 6] &= ~(1L << pfn);
      held--;
    }
  }

  /**
   * Compaction moved the held page {@code src} to {@code dst}: the rest of the system's page is
   * there now. The cursors go back to {@code dst}'s block, which may have become eligible.
   */
  void move(int src, int dst) {
    unmark(src);
    mark(dst);
    for (long[] c : cursor) {
      for (int o = 0; o < c.length; o++) {
        c[o] = Math.min(c[o], dst & -(1L << o));
      }
    }
  }

  boolean isHeld(int pfn) {
    return (bits[pfn >>> 6] & (1L << pfn)) != 0;
  }

  /** Frames still held. */
  long held() {
    return held;
  }

  /**
   * Takes the lowest aligned block of {@code 2^order} held frames (MOVABLE pageblocks first) and
   * forgets it; returns its first pfn, or -1 if there is none.
   */
  int take(int order, FrameTable ft) {
    int n = 1 << order;
    for (int pass = 0; pass < 2; pass++) {
      long p = cursor[pass][order];
      while (p + n <= nrFrames) {
        long s = nextHeld(p);
        if (s < 0) {
          p = nrFrames;
          break;
        }
        long a = (s + n - 1) & -n;
        if (a != s) {
          p = a;
          continue;
        }
        if (pass == 0 && !allMovable(ft, (int) s, n)) {
          p = Math.max(s + n, (s | (FrameTable.PB_PAGES - 1)) + 1); // the next pageblock
          continue;
        }
        if (allHeld((int) s, n)) {
          for (int i = 0; i < n; i++) {
            bits[(int) (s + i) >>> 6] &= ~(1L << (s + i));
          }
          held -= n;
          cursor[pass][order] = s + n;
          return (int) s;
        }
        p = s + n;
      }
      cursor[pass][order] = p;
    }
    return -1;
  }

  private long nextHeld(long from) {
    int w = (int) (from >>> 6);
    if (w >= bits.length) {
      return -1;
    }
    long word = bits[w] & (-1L << from);
    while (word == 0) {
      if (++w == bits.length) {
        return -1;
      }
      word = bits[w];
    }
    return ((long) w << 6) + Long.numberOfTrailingZeros(word);
  }

  private boolean allHeld(int from, int n) {
    for (int i = from; i < from + n; i++) {
      if (!isHeld(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean allMovable(FrameTable ft, int from, int n) {
    for (int p = from; p < from + n; p += FrameTable.PB_PAGES) {
      if (ft.pbMigratetype(p) != Migratetype.MIGRATE_MOVABLE) {
        return false;
      }
    }
    return true;
  }
}
