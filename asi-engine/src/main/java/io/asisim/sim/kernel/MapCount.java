package io.asisim.sim.kernel;

import io.asisim.sim.util.LongLongMap;

/**
 * How many mms map each anonymous frame shared copy-on-write, kernel-wide as the page's
 * {@code _mapcount} is (mm/rmap.c: {@code folio_dup_file_rmap()} at fork, {@code folio_remove_rmap_pte()}
 * at unmap). A frame absent from the map is mapped by exactly one mm, so the common case costs
 * nothing.
 */
final class MapCount {
  private final LongLongMap shared = new LongLongMap(256);

  /** {@code copy_present_pte()}: one more mm maps {@code pfn}. */
  void dup(long pfn) {
    long n = shared.get(pfn);
    shared.put(pfn, (n == LongLongMap.ABSENT ? 1 : n) + 1);
  }

  /** Whether more than one mm maps {@code pfn} ({@code do_wp_page()} must copy, not reuse). */
  boolean isShared(long pfn) {
    return shared.get(pfn) != LongLongMap.ABSENT;
  }

  /** Drops one sharer of {@code pfn}; false if it had only one (the caller frees the frame). */
  boolean drop(long pfn) {
    long n = shared.get(pfn);
    if (n == LongLongMap.ABSENT) {
      return false;
    }
    if (n <= 2) {
      shared.remove(pfn);
    } else {
      shared.put(pfn, n - 1);
    }
    return true;
  }
}
