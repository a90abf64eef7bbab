package io.asisim.pagealloc;

/**
 * Where {@code __alloc_pages_direct_compact()} (mm/page_alloc.c) runs in the slow path: before
 * giving up on reclaim, a blocking request may compact a zone and retry. Compaction is not
 * modelled yet; {@link #NONE} is the kernel without {@code CONFIG_COMPACTION}, whose stub returns
 * no page. A compaction model implements this without touching the allocator facade.
 */
@FunctionalInterface
interface CompactionHook {
  /** No compaction: {@code __alloc_pages_direct_compact()} of !CONFIG_COMPACTION. */
  CompactionHook NONE = (order, allocFlags, ac, getPage) -> -1;

  /**
   * {@code __alloc_pages_direct_compact()}: compacts, then tries the freelists again.
   *
   * @param allocFlags the slow path's {@code alloc_flags}, for the retry
   * @param getPage the allocator's {@code get_page_from_freelist()}, for the retry
   * @return the pfn allocated, or -1
   */
  int directCompact(int order, int allocFlags, AllocContext ac, GetPage getPage);
}
