package io.asisim.x86;

/**
 * Which physical frames hold only zeroes: set by {@code clear_page()}, cleared by the first write
 * through any mapping (the MMU access path reports writes here). A bitset over all frames.
 */
final class ZeroedFrames {
  private final long nrFrames;
  private final long[] bits;

  ZeroedFrames(long nrFrames) {
    this.nrFrames = nrFrames;
    bits = new long[(int) ((nrFrames + 63) >>> 6)];
  }

  /** Records a data access to {@code pfn}: a write makes the frame no longer zeroed. */
  void written(long pfn, boolean write) {
    if (write && pfn < nrFrames) {
      bits[(int) (pfn >>> 6)] &= ~(1L << pfn);
    }
  }

  /** {@code clear_page()} of {@code [pfn, pfn + count)}. */
  void cleared(long pfn, long count) {
    for (long p = pfn; p < pfn + count; p++) {
      bits[(int) (p >>> 6)] |= 1L << p;
    }
  }

  boolean isZeroed(long pfn) {
    return (bits[(int) (pfn >>> 6)] & (1L << pfn)) != 0;
  }

  long arrayBytes() {
    return bits.length * 8L;
  }
}
