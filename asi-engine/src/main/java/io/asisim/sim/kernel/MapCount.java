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
  /**
   * THP folios ({@link HugeMemory}): head frame → how many (mm, page) mappings its 512 pages have
   * ({@code folio_large_mapcount()}, by PMD and by PTE alike); the folio is freed whole when that
   * reaches 0, however it was unmapped.
   */
  private final LongLongMap folios = new LongLongMap(16);
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

  /** {@code n} more mappings of pages of the THP folio at {@code head} (a new one: its first 512). */
  void folioMapped(long head, long n) {
    long c = folios.get(head);
    folios.put(head, (c == LongLongMap.ABSENT ? 0 : c) + n);
  }

  /** How many (mm, page) mappings the pages of the THP folio at {@code head} have (0: not a mapped folio). */
  long folioMappings(long head) {
    long c = folios.get(head);
    return c == LongLongMap.ABSENT ? 0 : c;
  }

  /** Whether any THP folio is mapped: without one no anonymous PTE can be a huge page's. */
  boolean hasFolios() {
    return folios.size() > 0;
  }

  /** The head of the THP folio {@code pfn} belongs to, or -1 (an order-0 page). */
  long folioOf(long pfn) {
    if (!hasFolios()) {
      return -1;
    }
    long head = pfn & -HugeMemory.HPAGE_PMD_NR;
    return folios.containsKey(head) ? head : -1;
  }

  /** One mapping of a page of the folio at {@code head} fewer; true if it was the last (the caller frees it). */
  boolean folioUnmapped(long head) {
    long c = folios.get(head);
    if (c <= 1) {
      folios.remove(head);
      return true;
    }
    folios.put(head, c - 1);
    return false;
  }

  /** The THP folio at {@code head} is split ({@code __split_huge_page()}): its pages are order-0 pages from now on. */
  void folioSplit(long head) {
    folios.remove(head);
  }

  /** How many mms map anonymous frame {@code pfn} by PTE or PMD, if it is mapped at all ({@code folio_mapcount()}). */
  long mapcount(long pfn) {
    long n = shared.get(pfn);
    return n == LongLongMap.ABSENT ? 1 : n;
  }

  /**
   * Migration moved anonymous frame {@code src} to {@code dst}: the sharers move with it
   * ({@code remove_migration_ptes()} adds one rmap per migration entry it replaces, as many as
   * {@code try_to_migrate()} took off {@code src}).
   */
  void migrate(long src, long dst) {
    long n = shared.remove(src);
    if (n != LongLongMap.ABSENT) {
      shared.put(dst, n);
    }
  }

  /** Migration moved the THP folio at {@code src} whole to {@code dst}: its mappings and its pages' sharers move. */
  void migrateFolio(long src, long dst) {
    long c = folios.remove(src);
    if (c != LongLongMap.ABSENT) {
      folios.put(dst, c);
    }
    for (int i = 0; i < HugeMemory.HPAGE_PMD_NR; i++) {
      migrate(src + i, dst + i);
    }
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
