package io.asisim.api.machine;

/**
 * What changed since the checker last looked (docs/checker.md, "Incremental checking"), written by
 * the machine and the allocator that were asked to ({@link Machine#logChanges},
 * {@code PageAllocator.logChanges}) and read and cleared by the checker after each op. Two kinds of
 * record:
 * <ul>
 *   <li><b>frames</b> {@code [pfn, pfn + n)} whose allocator state (free, on a pcp list, in a pool,
 *       allocated, their order), pageblock flags, sensitivity or presence in the restricted direct
 *       map may have changed;
 *   <li><b>translations</b> {@code (mm, va, pages)} whose restricted page-table entries or user
 *       PTEs (the user half the restricted and unrestricted tables share) were written
 *       ({@link TlbOps#ALL_MM} for the kernel half every mm shares): only there can a TLB entry
 *       that was coherent become incoherent ({@code flush_tlb_*} is owed for exactly these), and
 *       only there can a user PTE stop matching what the kernel installed.
 * </ul>
 * The kernel has the same split between local checks where state changes ({@code VM_BUG_ON_PAGE}
 * in the buddy and pcp paths) and whole scans run rarely.
 *
 * <p>Bounded: past {@link #capacity()} records of either kind the log stops recording and reports
 * {@link #overflowed()}, and the checker falls back to a full scan for that interval. A record equal
 * to the previous one of its kind is not stored twice. Primitive arrays; recording allocates nothing.
 * Not thread-safe (one variant runs on one thread).
 */
public final class ChangeLog {
  /** Default capacity: far above what one op changes, small enough (2.5 MiB) to leave allocated. */
  public static final int DEFAULT_CAPACITY = 1 << 16;

  private final int capacity;
  private final long[] framePfn;
  private final long[] frameCount;
  private int nrFrames;
  private final long[] trMm;
  private final long[] trVa;
  private final long[] trPages;
  private int nrTranslations;
  private boolean overflowed;

  public ChangeLog() {
    this(DEFAULT_CAPACITY);
  }

  /** @param capacity records of each kind kept before {@link #overflowed()} (at least 1) */
  public ChangeLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1");
    }
    this.capacity = capacity;
    framePfn = new long[capacity];
    frameCount = new long[capacity];
    trMm = new long[capacity];
    trVa = new long[capacity];
    trPages = new long[capacity];
  }

  /** Frames {@code [pfn, pfn + n)} may have changed state, sensitivity or restricted mapping. */
  public void frames(long pfn, long n) {
    if (overflowed || n <= 0) {
      return;
    }
    if (nrFrames > 0 && framePfn[nrFrames - 1] == pfn && frameCount[nrFrames - 1] == n) {
      return;
    }
    if (nrFrames == capacity) {
      overflowed = true;
      return;
    }
    framePfn[nrFrames] = pfn;
    frameCount[nrFrames++] = n;
  }

  /**
   * The restricted (or user) translation of {@code pages} pages from {@code va} in {@code mm}
   * ({@link TlbOps#ALL_MM}: the shared kernel half) was written.
   */
  public void translation(long mm, long va, long pages) {
    if (overflowed || pages <= 0) {
      return;
    }
    int last = nrTranslations - 1;
    if (last >= 0 && trMm[last] == mm && trVa[last] == va && trPages[last] == pages) {
      return;
    }
    if (nrTranslations == capacity) {
      overflowed = true;
      return;
    }
    trMm[nrTranslations] = mm;
    trVa[nrTranslations] = va;
    trPages[nrTranslations++] = pages;
  }

  /** Records kept of each kind before the log overflows. */
  public int capacity() {
    return capacity;
  }

  /** Whether more changed than the log could hold since {@link #clear()}: check everything. */
  public boolean overflowed() {
    return overflowed;
  }

  public int nrFrameRanges() {
    return nrFrames;
  }

  public long framePfn(int i) {
    return framePfn[i];
  }

  public long frameCount(int i) {
    return frameCount[i];
  }

  public int nrTranslations() {
    return nrTranslations;
  }

  public long translationMm(int i) {
    return trMm[i];
  }

  public long translationVa(int i) {
    return trVa[i];
  }

  public long translationPages(int i) {
    return trPages[i];
  }

  /** Forgets every record (the checker has looked). */
  public void clear() {
    nrFrames = 0;
    nrTranslations = 0;
    overflowed = false;
  }
}
