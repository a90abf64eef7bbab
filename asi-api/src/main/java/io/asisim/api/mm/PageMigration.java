package io.asisim.api.mm;

/**
 * What the page allocator's compaction needs from the kernel that owns the pages: which allocated
 * pages it may move and the move itself (mm/migrate.c). The allocator knows frames and pageblocks;
 * only the kernel knows who maps a page (its rmap, the page cache's xarray), so compaction asks it.
 * The kernel attaches one with {@link PageAllocator#attachMigration}; an allocator without one
 * does not compact, as a kernel without {@code CONFIG_COMPACTION}.
 */
public interface PageMigration {
  /**
   * {@code isolate_migratepages_block()}'s test of an allocated movable order-0 page
   * ({@code PageLRU()} and {@code folio_isolate_lru()}): whether the kernel could move it now. A
   * page nobody maps or caches, a page shared in a way the kernel model cannot move, or a page of a
   * large folio answers false. Changes nothing.
   */
  boolean movable(long pfn);

  /**
   * {@code migrate_folio_unmap()} + {@code move_to_new_folio()} + {@code remove_migration_ptes()} of
   * one page {@link #movable} accepted: copies {@code src} to {@code dst} (both mapped at once) and
   * points every mapping and cache entry of {@code src} at {@code dst}. The old translations may
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
}
