package io.asisim.sim.kernel;

import io.asisim.sim.util.LongLongMap;

/**
 * The anonymous memory of one process's mm: user address → frame, with the PTE's writability, and
 * a bump pointer for new mappings. (Which of these frames are shared copy-on-write with other mms
 * is kept kernel-wide, as the page's mapcount is.)
 */
final class MmState {
  /** Bit of a value in {@link #anon}: the user PTE is writable. */
  static final long WRITABLE = 1L << 62;
  /** Mask of the frame number in a value of {@link #anon}. */
  static final long PFN_MASK = (1L << 52) - 1;
  /** First user address handed out (above the traditional 4 MiB null-guard and text). */
  static final long USER_BASE = 0x0000_1000_0000L;

  final long mm;
  final LongLongMap anon = new LongLongMap(64);
  /**
   * Reverse of {@link #anon}: frame → user address ({@code page_vma_mapped_walk()} in one step),
   * so that the checker can ask "does this mm map this frame" without a scan. Each frame is mapped
   * at most once per mm here (no mremap or shared mappings within one mm).
   */
  private final LongLongMap rmap = new LongLongMap(64);
  long nextVa = USER_BASE;
  /** The process's I/O buffer page: read() copies land here, write() copies come from here. */
  long bufVa;

  MmState(long mm) {
    this.mm = mm;
  }

  /** Sets the anonymous PTE of {@code va} ({@code value} is a frame with flag bits); keeps the rmap. */
  void putAnon(long va, long value) {
    long old = anon.put(va, value);
    if (old != LongLongMap.ABSENT && (old & PFN_MASK) != (value & PFN_MASK)) {
      rmap.remove(old & PFN_MASK);
    }
    rmap.put(value & PFN_MASK, va);
  }

  /** Drops the anonymous PTE of {@code va}; returns its value or {@link LongLongMap#ABSENT}. */
  long removeAnon(long va) {
    long old = anon.remove(va);
    if (old != LongLongMap.ABSENT) {
      rmap.remove(old & PFN_MASK);
    }
    return old;
  }

  /** Drops every anonymous mapping (mm teardown). */
  void clearAnon() {
    anon.clear();
    rmap.clear();
  }

  /** Whether this mm maps frame {@code pfn} as anonymous memory. */
  boolean mapsAnon(long pfn) {
    return rmap.containsKey(pfn);
  }

  long take(int pages) {
    long va = nextVa;
    nextVa += (long) pages << 12;
    return va;
  }
}
