package io.asisim.sim.kernel;

import io.asisim.sim.util.LongLongMap;

/**
 * How many mms map each anonymous frame shared copy-on-write, kernel-wide as the page's
 * {@code _mapcount} is (mm/rmap.c: {@code folio_dup_file_rmap()} at fork, {@code folio_remove_rmap_pte()}
 * at unmap). A frame absent from the map is mapped by exactly one mm, so the common case costs
 * nothing. The mapcount of page-cache frames mapped by file faults is kept per page by
 * {@link PageCache}; {@link #fileUnmap} reaches it for the unmap paths.
 */
final class MapCount {
  private final LongLongMap shared = new LongLongMap(256);
  private PageCache pageCache;

  /** The page cache whose mapped pages {@link #fileUnmap} drops (set once when it is built). */
  void attachPageCache(PageCache cache) {
    this.pageCache = cache;
  }

  /** {@code folio_remove_rmap_pte()} of a page-cache frame: one user PTE fewer maps {@code pfn}. */
  void fileUnmap(long pfn) {
    pageCache.unmapPte(pfn);
  }

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
