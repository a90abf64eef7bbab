package io.asisim.sim.kernel;

import io.asisim.sim.util.LongLongMap;

/**
 * One {@code mm_struct}: its anonymous memory (user address → frame, with the PTE's writability),
 * its private file mappings ({@link FileVmas}) and the page-cache pages they map, a bump pointer
 * for new mappings, the number of tasks using it ({@code mm_users}) and the tasks that borrow it
 * through {@code vfork()}. (Which frames are shared copy-on-write with other mms is kept
 * kernel-wide, as the page's mapcount is.)
 */
final class MmState {
  /** Bit of a value in {@link #anon}: the user PTE is writable (the checker's encoding, one home). */
  static final long WRITABLE = KernelView.PTE_WRITABLE;
  /** Mask of the frame number in a value of {@link #anon}. */
  static final long PFN_MASK = KernelView.PTE_PFN_MASK;
  /** Bit of a value in {@link #anon}: the page is mapped by a PMD leaf, part of a THP ({@link HugeMemory}). */
  static final long HUGE = 1L << 60;
  /** First user address handed out (above the traditional 4 MiB null-guard and text). */
  static final long USER_BASE = 0x0000_1000_0000L;

  /** Where exec maps a program's text: the traditional non-PIE ELF base, below {@link #USER_BASE}. */
  static final long TEXT_BASE = 0x0040_0000L;

  final long mm;
  final LongLongMap anon = new LongLongMap(64);
  /**
   * Present anonymous PTEs per 2 MiB of address space (key {@code va >>> 21}): zero is
   * {@code pmd_none()}, where a THP fault may map a huge page ({@link HugeMemory}). Counted only
   * while the mm has a THP-eligible mapping ({@link #anonVmas}): a page put before one existed lies
   * below it (addresses only grow), where no THP fault asks, so runs without THP pay nothing.
   */
  private final LongLongMap perPmd = new LongLongMap(16);
  /**
   * {@code MMF_VM_HUGEPAGE}: the mm has a slot on khugepaged's list ({@link Khugepaged}), taken
   * when one of its mappings became one THP may back and dropped when the slot is freed.
   */
  boolean vmHugepage;
  /** The mappings THP may back, kept while it is enabled. */
  final AnonVmas anonVmas = new AnonVmas();
  /**
   * Page-cache frames mapped read-only by file faults: user address → frame ({@code set_pte_range()}
   * of {@code finish_fault()}). A private write replaces the entry by an anonymous copy in
   * {@link #anon}.
   */
  final LongLongMap filePte = new LongLongMap(16);
  /** The file mappings ({@code vm_area_struct}s with a {@code vm_file}). */
  final FileVmas vmas = new FileVmas();
  /** {@code mm_users}: tasks using this mm; it is torn down when the last one drops it. */
  int users = 1;
  /**
   * The borrows of this mm through {@code vfork()} in flight, as (parent, child) pairs, oldest first:
   * each parent waits in {@code wait_for_vfork_done()} for its own child to exec or exit (the
   * kernel's per-child {@code vfork_done}). Several can be in flight: a vfork child that vforks
   * again, or two threads of the process that each vfork.
   */
  private int[] vforkParent = new int[0];
  private int[] vforkChild = new int[0];
  private int nrVforks;
  /**
   * Reverse of {@link #anon}: frame → user address ({@code page_vma_mapped_walk()} in one step),
   * so that the checker can ask "does this mm map this frame" without a scan. Each frame is mapped
   * at most once per mm here (no mremap or shared mappings within one mm).
   */
  private final LongLongMap rmap = new LongLongMap(64);
  /** Capacity of the ring of recent losses of access ({@link #accessEnded}); a power of two. */
  static final int LOST_LOG = 64;
  private final long[] lost = new long[LOST_LOG];
  private long accessLosses;
  long nextVa = USER_BASE;
  /** The process's I/O buffer page: read() copies land here, write() copies come from here. */
  long bufVa;
  /** Start of the heap window of {@code brk()} (0 until the first call) and the break's offset in pages. */
  long brkStart;
  int brkPages;
  /** The slab of this {@code mm_struct} and of each of its {@code vm_area_struct}s ({@link KernelSlab}); -1 for none. */
  int mmSlab = -1;
  int[] vmaSlab = new int[4];
  int nrVmas;

  MmState(long mm) {
    this.mm = mm;
  }

  /** Sets the anonymous PTE of {@code va} ({@code value} is a frame with flag bits); keeps the rmap. */
  void putAnon(long va, long value) {
    long old = anon.put(va, value);
    if (old != LongLongMap.ABSENT && (old & PFN_MASK) != (value & PFN_MASK)) {
      rmap.remove(old & PFN_MASK);
      accessEnded(old & PFN_MASK);
    }
    if (old == LongLongMap.ABSENT && anonVmas.size() > 0) {
      long k = va >>> 21;
      long c = perPmd.get(k);
      perPmd.put(k, c == LongLongMap.ABSENT ? 1 : c + 1);
    }
    rmap.put(value & PFN_MASK, va);
  }

  /** Whether no anonymous page is mapped in the 2 MiB of {@code va} ({@code pmd_none()}). */
  boolean pmdNone(long va) {
    return perPmd.get(va >>> 21) == LongLongMap.ABSENT;
  }

  /** Drops the anonymous PTE of {@code va}; returns its value or {@link LongLongMap#ABSENT}. */
  long removeAnon(long va) {
    long old = anon.remove(va);
    if (old != LongLongMap.ABSENT) {
      rmap.remove(old & PFN_MASK);
      accessEnded(old & PFN_MASK);
      if (perPmd.size() > 0) {
        long k = va >>> 21;
        long c = perPmd.get(k);
        if (c == 1) {
          perPmd.remove(k);
        } else if (c != LongLongMap.ABSENT) {
          perPmd.put(k, c - 1);
        }
      }
    }
    return old;
  }

  /** Drops every anonymous mapping (mm teardown). */
  void clearAnon() {
    anon.clear();
    rmap.clear();
    perPmd.clear();
    accessLosses += LOST_LOG + 1; // too many to list: a reader re-checks everything
    lost[(int) ((accessLosses - 1) & (LOST_LOG - 1))] = -1; // no frame: the next loss is always listed
  }

  /**
   * The process of this mm may have lost logical access to {@code pfn} (an anonymous mapping gone
   * here, or a close, unmap, eviction or pipe release reported by the kernel): logged, so that the
   * checker's exposure scan re-checks only the entries of that frame it had settled as readable
   * (docs/checker.md, "Settled entries"). An anonymous unmap arrives twice (reverse map and the
   * kernel's report), so that the checker does not depend on the report alone; the second of two
   * reports of one frame in a row is not logged again, so the duplicate does not halve the log.
   */
  void accessEnded(long pfn) {
    if (accessLosses > 0 && lost[(int) ((accessLosses - 1) & (LOST_LOG - 1))] == pfn) {
      return; // the same loss, already listed: a re-check of the frame covers both
    }
    lost[(int) (accessLosses & (LOST_LOG - 1))] = pfn;
    accessLosses++;
  }

  /** Losses of access so far ({@link #accessEnded}); never reset. */
  long accessLosses() {
    return accessLosses;
  }

  /**
   * Copies the frames of losses {@code since} .. {@link #accessLosses()} - 1 into {@code buf};
   * returns how many, or -1 when they no longer all fit in the log or in {@code buf}.
   */
  int lostSince(long since, long[] buf) {
    long n = accessLosses - since;
    if (n < 0 || n > LOST_LOG || n > buf.length) {
      return -1;
    }
    for (int i = 0; i < n; i++) {
      buf[i] = lost[(int) ((since + i) & (LOST_LOG - 1))];
    }
    return (int) n;
  }

  /** Whether this mm maps frame {@code pfn} as anonymous memory. */
  boolean mapsAnon(long pfn) {
    return rmap.containsKey(pfn);
  }

  /** The user address mapping anonymous frame {@code pfn} ({@code page_vma_mapped_walk()}), or {@link LongLongMap#ABSENT}. */
  long anonVa(long pfn) {
    return rmap.get(pfn);
  }

  /** {@code vfork()}: {@code child} borrows this mm from {@code parent}, which waits for it. */
  void vforkBorrow(int parent, int child) {
    if (nrVforks == vforkParent.length) {
      vforkParent = java.util.Arrays.copyOf(vforkParent, nrVforks + 2);
      vforkChild = java.util.Arrays.copyOf(vforkChild, nrVforks + 2);
    }
    vforkParent[nrVforks] = parent;
    vforkChild[nrVforks++] = child;
  }

  /**
   * {@code mm_release()} → {@code complete_vfork_done()} by the borrower {@code child}: its parent
   * stops waiting. Returns the parent, or -1 if {@code child} borrowed nothing (or its parent was
   * killed meanwhile, {@link #vforkAbandon}).
   */
  int vforkDone(int child) {
    for (int i = 0; i < nrVforks; i++) {
      if (vforkChild[i] == child) {
        int parent = vforkParent[i];
        remove(i);
        return parent;
      }
    }
    return -1;
  }

  /**
   * A fatal signal ends {@code parent}'s killable wait in {@code wait_for_vfork_done()}: its child
   * keeps the mm but will wake nobody ({@code vfork_done} is cleared).
   */
  void vforkAbandon(int parent) {
    for (int i = nrVforks - 1; i >= 0; i--) {
      if (vforkParent[i] == parent) {
        remove(i);
      }
    }
  }

  private void remove(int i) {
    System.arraycopy(vforkParent, i + 1, vforkParent, i, nrVforks - i - 1);
    System.arraycopy(vforkChild, i + 1, vforkChild, i, nrVforks - i - 1);
    nrVforks--;
  }

  /** Whether {@code pid} waits in {@code wait_for_vfork_done()} for a child borrowing this mm. */
  boolean vforkWaiting(int pid) {
    for (int i = 0; i < nrVforks; i++) {
      if (vforkParent[i] == pid) {
        return true;
      }
    }
    return false;
  }

  /** The next mapping starts at a 2 MiB boundary ({@code thp_get_unmapped_area()}, {@code shmem_get_unmapped_area()}). */
  void alignNextPmd() {
    nextVa = (nextVa + HugeMemory.HPAGE_PMD_SIZE - 1) & -HugeMemory.HPAGE_PMD_SIZE;
  }

  long take(int pages) {
    long va = nextVa;
    nextVa += (long) pages << 12;
    return va;
  }
}
