package io.asisim.sim.kernel;

import java.util.Arrays;

/**
 * The file mappings of one mm: each a private ({@code MAP_PRIVATE}) {@code vm_area_struct} with a
 * start address, a length in pages, its file and the file page it starts at ({@code vm_pgoff}).
 * A handful per mm, so a linear scan stands in for the maple tree ({@code find_vma()}).
 */
final class FileVmas {
  private long[] start = new long[4];
  private long[] pages = new long[4];
  private long[] pgoff = new long[4];
  private int[] file = new int[4];
  private int n;

  /** {@code mmap_region()}: a mapping of {@code nr} pages of {@code f} from page {@code off} at {@code va}. */
  void add(long va, long nr, int f, long off) {
    if (n == start.length) {
      start = Arrays.copyOf(start, 2 * n);
      pages = Arrays.copyOf(pages, 2 * n);
      pgoff = Arrays.copyOf(pgoff, 2 * n);
      file = Arrays.copyOf(file, 2 * n);
    }
    start[n] = va;
    pages[n] = nr;
    file[n] = f;
    pgoff[n] = off;
    n++;
  }

  /** {@code find_vma()}: the mapping containing {@code va}, or -1. */
  int find(long va) {
    for (int i = 0; i < n; i++) {
      if (va >= start[i] && va < start[i] + (pages[i] << 12)) {
        return i;
      }
    }
    return -1;
  }

  int size() {
    return n;
  }

  int file(int i) {
    return file[i];
  }

  /** The file page {@code va} of mapping {@code i} maps ({@code linear_page_index()}). */
  long index(int i, long va) {
    return pgoff[i] + ((va - start[i]) >>> 12);
  }

  /**
   * {@code vma_address()}: the user address at which mapping {@code i} maps page {@code idx} of
   * {@code f}, or -1 if it maps another file or not that page.
   */
  long address(int i, int f, long idx) {
    return file[i] == f && idx >= pgoff[i] && idx < pgoff[i] + pages[i] ? start[i] + ((idx - pgoff[i]) << 12) : -1;
  }

  /**
   * {@code thp_vma_suitable_order()} for PMD order at {@code va} in mapping {@code i}: the mapping
   * covers the 2 MiB around it, and its file offset is 2 MiB-aligned where its address is.
   */
  boolean pmdSuitable(int i, long va) {
    long haddr = va & -(1L << 21);
    return ((start[i] >>> 12) - pgoff[i]) % 512 == 0 && haddr >= start[i] && haddr + (1L << 21) <= start[i] + (pages[i] << 12);
  }

  /** Whether some mapping of this mm maps page {@code idx} of {@code f}. */
  boolean maps(int f, long idx) {
    for (int i = 0; i < n; i++) {
      if (address(i, f, idx) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** A copy for a forked child ({@code dup_mmap()} copies every VMA). */
  FileVmas dup() {
    FileVmas c = new FileVmas();
    for (int i = 0; i < n; i++) {
      c.add(start[i], pages[i], file[i], pgoff[i]);
    }
    return c;
  }

  /** Copies every mapping of {@code from} into this (empty) set. */
  void copyFrom(FileVmas from) {
    for (int i = 0; i < from.n; i++) {
      add(from.start[i], from.pages[i], from.file[i], from.pgoff[i]);
    }
  }

  /**
   * {@code do_vmi_munmap()}: removes {@code [va, va + nr pages)} from every mapping, trimming or
   * splitting ({@code __split_vma()}) those it covers in part.
   */
  void unmap(long va, long nr) {
    long end = va + (nr << 12);
    for (int i = n - 1; i >= 0; i--) {
      long s = start[i];
      long e = s + (pages[i] << 12);
      if (end <= s || va >= e) {
        continue;
      }
      int f = file[i];
      long off = pgoff[i];
      remove(i);
      if (s < va) {
        add(s, (va - s) >>> 12, f, off);
      }
      if (end < e) {
        add(end, (e - end) >>> 12, f, off + ((end - s) >>> 12));
      }
    }
  }

  void clear() {
    n = 0;
  }

  private void remove(int i) {
    n--;
    start[i] = start[n];
    pages[i] = pages[n];
    file[i] = file[n];
    pgoff[i] = pgoff[n];
  }
}
