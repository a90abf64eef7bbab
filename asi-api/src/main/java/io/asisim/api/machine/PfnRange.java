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
}
