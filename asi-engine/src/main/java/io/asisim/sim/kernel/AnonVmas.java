package io.asisim.sim.kernel;

import java.util.Arrays;

/**
 * The anonymous mappings of an mm that transparent huge pages may back (their
 * {@code vm_area_struct}s as far as {@code thp_vma_allowable_order()} asks): sorted, disjoint
 * {@code [start, end)} ranges, each with whether {@code madvise(MADV_HUGEPAGE)} set
 * {@code VM_HUGEPAGE} on it. Kept only while THP is enabled ({@link HugeMemory}); the brk heap and
 * file mappings are not in it.
 */
final class AnonVmas {
  private long[] start = new long[4];
  private long[] end = new long[4];
  private boolean[] advised = new boolean[4];
  private int n;

  /** A new mapping above every other (the mm's bump pointer hands out increasing addresses). */
  void add(long from, long to) {
    if (n > 0 && from < end[n - 1]) {
      throw new IllegalStateException("mapping at 0x" + Long.toHexString(from) + " below the last one");
    }
    insert(n, from, to, false);
  }

  /** {@code munmap()} of {@code [from, to)}: the ranges lose it, split where it is in their middle. */
  void remove(long from, long to) {
    for (int i = find(from); i < n && start[i] < to; ) {
      if (end[i] <= from) {
        i++;
        continue;
      }
      if (start[i] < from && end[i] > to) { // a hole in the middle
        insert(i + 1, to, end[i], advised[i]);
        end[i] = from;
        return;
      }
      if (start[i] < from) {
        end[i] = from;
        i++;
      } else if (end[i] > to) {
        start[i] = to;
        return;
      } else {
        delete(i);
      }
    }
  }

  /** {@code madvise(MADV_HUGEPAGE)} of {@code [from, to)}: {@code VM_HUGEPAGE} on that part of the mappings. */
  void advise(long from, long to) {
    for (int i = find(from); i < n && start[i] < to; i++) {
      if (end[i] <= from) {
        continue;
      }
      if (start[i] < from) { // split_vma() at from
        insert(i + 1, from, end[i], advised[i]);
        end[i] = from;
        continue;
      }
      if (end[i] > to) { // split_vma() at to
        insert(i + 1, to, end[i], advised[i]);
        end[i] = to;
      }
      advised[i] = true;
    }
  }

  /** The index of the range holding all of {@code [from, to)}, or -1. */
  int covering(long from, long to) {
    int i = find(from);
    return i < n && start[i] <= from && to <= end[i] ? i : -1;
  }

  /** The first range ending above {@code va} ({@code vma_iter_init()} at {@code va}); {@link #size()} if none. */
  int firstEndingAbove(long va) {
    return find(va);
  }

  long start(int i) {
    return start[i];
  }

  long end(int i) {
    return end[i];
  }

  boolean advised(int i) {
    return advised[i];
  }

  int size() {
    return n;
  }

  void copyFrom(AnonVmas o) {
    start = o.start.clone();
    end = o.end.clone();
    advised = o.advised.clone();
    n = o.n;
  }

  /** The first range whose end lies above {@code va}. */
  private int find(long va) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (end[mid] <= va) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void insert(int i, long from, long to, boolean adv) {
    if (n == start.length) {
      start = Arrays.copyOf(start, 2 * n);
      end = Arrays.copyOf(end, 2 * n);
      advised = Arrays.copyOf(advised, 2 * n);
    }
    System.arraycopy(start, i, start, i + 1, n - i);
    System.arraycopy(end, i, end, i + 1, n - i);
    System.arraycopy(advised, i, advised, i + 1, n - i);
    start[i] = from;
    end[i] = to;
    advised[i] = adv;
    n++;
  }

  private void delete(int i) {
    System.arraycopy(start, i + 1, start, i, n - i - 1);
    System.arraycopy(end, i + 1, end, i, n - i - 1);
    System.arraycopy(advised, i + 1, advised, i, n - i - 1);
    n--;
  }
}
