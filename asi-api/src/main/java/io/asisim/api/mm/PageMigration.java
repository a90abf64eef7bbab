package io.asisim.api.mm;

/**
 * What the page allocator's compaction needs from the kernel that owns the pages: which allocated
 * pages it may move and the move itself (mm/migrate.c). The allocator knows frames and pageblocks;
 * only the kernel knows who maps a page (its rmap, the page cache's xarray), so compaction asks it.
 * The kernel attaches one with {@link PageAllocator#attachMigration}; an allocator without one
 * does not compact, as a kernel without {@code CONFIG_COMPACTION}.
 *
 * <p>Large folios (THP) are an extension: {@link #folioOrder}, {@link #migrateFolio} and
 * {@link #splitFolio} have defaults that move none, so an implementation written for order-0 pages
 * keeps compiling and keeps its behaviour ({@code alloc_contig_range()} then finds such a folio busy).
 */
public interface PageMigration {
  /**
   * {@code isolate_migratepages_block()}'s test of an allocated movable order-0 page
   * ({@code PageLRU()} and {@code folio_isolate_lru()}): whether the kernel could move it now. A
   * page nobody maps or caches, or a page of a large folio, answers false. Changes nothing.
   */
  boolean movable(long pfn);

  /**
   * {@code migrate_folio_unmap()} + {@code move_to_new_folio()} + {@code remove_migration_ptes()} of
   * one page {@link #movable} accepted: copies {@code src} to {@code dst} (both mapped at once) and
   * points every mapping and cache entry of {@code src} at {@code dst} ({@code try_to_migrate()}
   * walks the rmap: every mm mapping it, the page's mapcount kept). The old translations may
   * stay in TLBs until {@link #flush}; {@code src} stays allocated (the caller frees it after the
   * flush), {@code dst} was allocated by the caller.
   */
  void migrate(int cpu, long src, long dst);

  /**
   * {@code try_to_unmap_flush()} at the end of a batch ({@code migrate_pages_batch()} unmaps a
   * batch with {@code TTU_BATCH_FLUSH}, flushes once, then moves): the old translations of every
   * page migrated since the last call leave every CPU that may hold them.
   */
  void flush(int cpu);

  /**
   * {@code isolate_migratepages_block()} with {@code cc->alloc_contig}: the order of the large folio
   * whose head is {@code pfn} if the kernel could isolate it ({@code folio_isolate_lru()}) and
   * migrate it whole or split it, else 0 (an order-0 page, or a large folio it cannot move).
   * Compaction never asks (it skips compound pages, {@code skip_isolation_on_order()}). This default
   * answers 0: no large folio moves.
   */
  default int folioOrder(long pfn) {
    return 0;
  }

  /**
   * {@link #migrate} of a whole large folio {@link #folioOrder} accepted: {@code folio_copy()} of
   * its {@code 1 << order} pages to the folio at {@code dst} (of the same order, allocated by the
   * caller, {@code alloc_migration_target()}), every PMD and PTE mapping of it moved to the copy
   * ({@code remove_migration_pmd()}, {@code remove_migration_ptes()}); the old translations may stay
   * in TLBs until {@link #flush}. This default refuses: {@link #folioOrder} said 0.
   */
  default void migrateFolio(int cpu, long src, long dst, int order) {
    throw new UnsupportedOperationException("no large folio migration: folioOrder(" + src + ") is 0");
  }

  /**
   * {@code try_split_folio()} after {@code -ENOMEM} for a folio of the same order: the folio at
   * {@code head} becomes {@code 1 << order} order-0 pages ({@code split_folio_to_list()}: a PMD
   * mapping is split first), its unmapped pages freed; the mapped ones are then movable as
   * order-0 pages ({@link #movable}). False if it could not be split (it stays whole and isolated
   * no more). This default splits nothing.
   */
  default boolean splitFolio(int cpu, long head, int order) {
    return false;
  }

  /**
   * Whether the large folio at {@code head} (one {@link #folioOrder} accepted) is on the deferred
   * split queue and partially mapped ({@code !list_empty(&folio->_deferred_list) &&
   * folio_test_partially_mapped(folio)}): {@code migrate_pages_batch()} then splits it
   * ({@link #splitFolio}) before it allocates a target. This default answers false.
   */
  default boolean folioPartiallyMapped(long head) {
    return false;
  }

  /**
   * Whether the large folio at {@code head} (one {@link #folioOrder} accepted) is a hugetlb folio
   * ({@code folio_test_hugetlb()}): {@code migrate_pages()} hands it to {@code migrate_hugetlbs()},
   * which never splits it, ends on {@code -ENOMEM} without a target and counts no THP event. This
   * default answers false.
   */
  default boolean folioHugetlb(long head) {
    return false;
  }

  /**
   * {@code reclaim_clean_pages_from_list()} (mm/vmscan.c), which {@code alloc_contig_range()} runs
   * on its isolated pages before each {@code migrate_pages()}: if the order-0 page at {@code pfn}
   * ({@link #movable} accepted it) is a clean evictable page-cache page the kernel can drop instead
   * of migrating, it leaves the page cache and true is returned; the caller frees the frame. This
   * default drops nothing.
   */
  default boolean reclaimClean(int cpu, long pfn) {
    return false;
  }
}
