package io.asisim.api.machine;

/**
 * A range of physical frames {@code [start, end)}, as a {@code struct memblock_region} describes one
 * (base and size in frames rather than bytes).
 *
 * @param start first frame
 * @param end one past the last frame
 */
public record PfnRange(long start, long end) {
  public PfnRange {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad pfn range [" + start + ", " + end + ")");
    }
  }

  /** Frames in the range. */
  public long frames() {
    return end - start;
  }

  /** Whether {@code pfn} is in the range. */
  public boolean contains(long pfn) {
    return pfn >= start && pfn < end;
  }

  /** Whether any of {@code ranges} holds {@code pfn}. */
  public static boolean anyContains(java.util.List<PfnRange> ranges, long pfn) {
    for (int i = 0; i < ranges.size(); i++) {
      if (ranges.get(i).contains(pfn)) {
        return true;
      }
    }
    return false;
  }

  /** Frames of {@code [from, to)} that {@code ranges} (disjoint) hold. */
  public static long framesIn(java.util.List<PfnRange> ranges, long from, long to) {
    long n = 0;
    for (int i = 0; i < ranges.size(); i++) { // per op under --check: no iterator
      PfnRange r = ranges.get(i);
      n += Math.max(0, Math.min(r.end, to) - Math.max(r.start, from));
    }
    return n;
  }

  /**
   * The first frame at or after {@code pfn} that none of {@code ranges} (disjoint, in pfn order)
   * holds: how a walk over the frames memblock handed over skips the reserved ones.
   */
  public static long nextOutside(java.util.List<PfnRange> ranges, long pfn) {
    for (int i = 0; i < ranges.size(); i++) {
      PfnRange r = ranges.get(i);
      if (pfn >= r.start && pfn < r.end) {
        pfn = r.end;
      }
    }
    return pfn;
  }

  /** One past the highest frame of {@code ranges}, 0 when empty. */
  public static long endOf(java.util.List<PfnRange> ranges) {
    long e = 0;
    for (PfnRange r : ranges) {
      e = Math.max(e, r.end);
    }
    return e;
  }
}
