package io.asisim.x86;

/**
 * The frames {@code set_memory_ro()} made read-only in the unrestricted direct map, one bit each,
 * with a count per 2 MiB pageblock, so that the restricted map's 2 MiB mappings and the checker
 * ask one number for a whole pageblock. Allocated at the first read-only change (a machine that
 * never has one pays nothing per frame).
 */
final class ReadOnlyFrames {
  private final long nrFrames;
  private long[] bits;
  private int[] perBlock;

  ReadOnlyFrames(long nrFrames) {
    this.nrFrames = nrFrames;
  }

  void set(long pfn, boolean ro) {
    if (bits == null) {
      if (!ro) {
        return;
      }
      bits = new long[(int) ((nrFrames + 63) >>> 6)];
      perBlock = new int[(int) ((nrFrames + 511) >>> 9)];
    }
    int w = (int) (pfn >>> 6);
    long m = 1L << pfn;
    boolean was = (bits[w] & m) != 0;
    if (ro != was) {
      bits[w] ^= m;
      perBlock[(int) (pfn >>> 9)] += ro ? 1 : -1;
    }
  }

  boolean has(long pfn) {
    return bits != null && (bits[(int) (pfn >>> 6)] & (1L << pfn)) != 0;
  }

  /** Read-only frames in the 2 MiB pageblock holding {@code pfn}. */
  int inBlock(long pfn) {
    return perBlock == null ? 0 : perBlock[(int) (pfn >>> 9)];
  }
}
