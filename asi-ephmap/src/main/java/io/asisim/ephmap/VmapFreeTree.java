package io.asisim.ephmap;

import java.util.Arrays;

/**
 * The free kernel virtual ranges of mm/vmalloc.c ({@code free_vmap_area_root}), in page units from
 * a base: sorted, non-overlapping, non-adjacent ranges held as two parallel {@code long[]}s.
 * {@link #allocLowest} is {@code find_vmap_lowest_match()} + {@code va_clip()} (first fit at the
 * lowest address); {@link #free} is {@code merge_or_add_vmap_area()} (coalescing with both
 * neighbours). The kernel walks an augmented rb-tree in O(log n); this array does a linear first-fit
 * scan and O(n) inserts, which is fast while the tree stays small (lazy purges coalesce it back).
 * The kernel's walk cost is charged by the caller from {@link #size()}.
 */
final class VmapFreeTree {
  private long[] start = new long[16];
  private long[] end = new long[16];
  private int n;

  VmapFreeTree(long pages) {
    start[0] = 0;
    end[0] = pages;
    n = 1;
  }

  /** Number of free ranges (nodes of the free tree). */
  int size() {
    return n;
  }

  /** The lowest free range of at least {@code pages} pages is clipped; returns its start or -1. */
  long allocLowest(long pages) {
    for (int i = 0; i < n; i++) {
      if (end[i] - start[i] >= pages) {
        long s = start[i];
        start[i] += pages;
        if (start[i] == end[i]) {
          remove(i);
        }
        return s;
      }
    }
    return -1;
  }

  /** Returns {@code [s, s + pages)} to the tree, merging with adjacent free ranges. */
  void free(long s, long pages) {
    long e = s + pages;
    int i = lowerBound(s); // first range with start >= s
    if (i < n && start[i] < e || i > 0 && end[i - 1] > s) {
      throw new IllegalStateException("double free of vmap range [" + s + ", " + e + ")");
    }
    boolean mergePrev = i > 0 && end[i - 1] == s;
    boolean mergeNext = i < n && start[i] == e;
    if (mergePrev && mergeNext) {
      end[i - 1] = end[i];
      remove(i);
    } else if (mergePrev) {
      end[i - 1] = e;
    } else if (mergeNext) {
      start[i] = s;
    } else {
      insert(i, s, e);
    }
  }

  private int lowerBound(long s) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (start[mid] < s) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void remove(int i) {
    System.arraycopy(start, i + 1, start, i, n - i - 1);
    System.arraycopy(end, i + 1, end, i, n - i - 1);
    n--;
  }

  private void insert(int i, long s, long e) {
    if (n == start.length) {
      start = Arrays.copyOf(start, n * 2);
      end = Arrays.copyOf(end, n * 2);
    }
    System.arraycopy(start, i, start, i + 1, n - i);
    System.arraycopy(end, i, end, i + 1, n - i);
    start[i] = s;
    end[i] = e;
    n++;
  }

  /** Free pages in total (tests). */
  long freePages() {
    long t = 0;
    for (int i = 0; i < n; i++) {
      t += end[i] - start[i];
    }
    return t;
  }
}
