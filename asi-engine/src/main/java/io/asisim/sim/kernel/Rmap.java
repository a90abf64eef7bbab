package io.asisim.sim.kernel;

/**
 * The reverse-map walk of mm/rmap.c that page migration runs ({@code rmap_walk()}): every
 * (mm, user address) whose PTE maps a frame. {@code rmap_walk_anon()} finds the mms of an anonymous
 * page through its {@code anon_vma} chain, which fork extends to the child; here every live mm is
 * asked ({@link MmState#anonVa}, one step each: an mm maps a frame once at most).
 * {@code rmap_walk_file()} walks the file's {@code i_mmap} tree; here every mm's file mappings
 * ({@link FileVmas}) of the file, the PTE at the address the page would have there
 * ({@code vma_address()}) compared with the frame. Tasks sharing an mm (threads, a {@code vfork()}
 * child) give it once. The result stays in reused arrays until the next walk: nothing is
 * allocated once they have grown to the widest sharing seen.
 */
final class Rmap {
  private final TaskTable tasks;
  private MmState[] mms = new MmState[8];
  private long[] vas = new long[8];
  private int n;

  Rmap(TaskTable tasks) {
    this.tasks = tasks;
  }

  /** {@code rmap_walk_anon()} of anonymous frame {@code pfn}: returns how many mms map it ({@link #mm}, {@link #va}). */
  int walkAnon(long pfn) {
    n = 0;
    for (int pid = 0; pid < tasks.pidLimit(); pid++) {
      MmState m = tasks.mm(pid);
      if (m != null && m.mapsAnon(pfn)) {
        add(m, m.anonVa(pfn));
      }
    }
    return n;
  }

  /**
   * {@code rmap_walk_file()} of page-cache frame {@code pfn}, page {@code index} of {@code file}:
   * returns how many (mm, address) PTEs map it.
   */
  int walkFile(long pfn, int file, long index) {
    n = 0;
    for (int pid = 0; pid < tasks.pidLimit(); pid++) {
      MmState m = tasks.mm(pid);
      if (m == null) {
        continue;
      }
      for (int i = 0; i < m.vmas.size(); i++) {
        long va = m.vmas.address(i, file, index);
        if (va >= 0 && m.filePte.get(va) == pfn) {
          add(m, va);
        }
      }
    }
    return n;
  }

  /** The mms mapping any of the {@code nr} pages of the folio at {@code head} ({@code rmap_walk_anon()} of a large folio). */
  int walkFolio(long head, int nr) {
    n = 0;
    for (int pid = 0; pid < tasks.pidLimit(); pid++) {
      MmState m = tasks.mm(pid);
      if (m == null) {
        continue;
      }
      for (int i = 0; i < nr; i++) {
        if (m.mapsAnon(head + i)) {
          add(m, -1);
          break;
        }
      }
    }
    return n;
  }

  /** Whether some mm maps anonymous frame {@code pfn} ({@code folio_mapped()}), without recording the walk. */
  boolean anonMapped(long pfn) {
    for (int pid = 0; pid < tasks.pidLimit(); pid++) {
      MmState m = tasks.mm(pid);
      if (m != null && m.mapsAnon(pfn)) {
        return true;
      }
    }
    return false;
  }

  /** The mm of mapping {@code i} of the last walk. */
  MmState mm(int i) {
    return mms[i];
  }

  /** The user address of mapping {@code i} of the last walk. */
  long va(int i) {
    return vas[i];
  }

  /** Records (m, va) unless a task sharing {@code m} gave it already. */
  private void add(MmState m, long va) {
    for (int i = 0; i < n; i++) {
      if (mms[i] == m && vas[i] == va) {
        return;
      }
    }
    if (n == mms.length) {
      mms = java.util.Arrays.copyOf(mms, 2 * n);
      vas = java.util.Arrays.copyOf(vas, 2 * n);
    }
    mms[n] = m;
    vas[n++] = va;
  }
}
