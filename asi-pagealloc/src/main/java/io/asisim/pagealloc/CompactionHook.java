package io.asisim.pagealloc;

/**
 * Where {@code __alloc_pages_direct_compact()} (mm/page_alloc.c) runs in the slow path: a
 * blocking request may compact a zone and retry. {@link Compaction} is the model; {@link #NONE} is
 * the kernel without {@code CONFIG_COMPACTION}, whose stub returns no page (an allocator no kernel
 * attached page migration to, or one built with {@code compaction=false}).
 */
@FunctionalInterface
interface CompactionHook {
  /** {@code enum compact_priority}: {@code COMPACT_PRIO_SYNC_FULL} = {@code MIN_COMPACT_PRIORITY}. */
  int COMPACT_PRIO_SYNC_FULL = 0;
  int MIN_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_FULL;
  /** {@code COMPACT_PRIO_SYNC_LIGHT} = {@code DEF_COMPACT_PRIORITY}: the attempt after reclaim. */
  int COMPACT_PRIO_SYNC_LIGHT = 1;
  /** {@code COMPACT_PRIO_ASYNC} = {@code INIT_COMPACT_PRIORITY}: the first attempt. */
  int COMPACT_PRIO_ASYNC = 2;

  /** No compaction: {@code __alloc_pages_direct_compact()} of !CONFIG_COMPACTION. */
  CompactionHook NONE = (order, allocFlags, prio, ac, getPage) -> -1;

  /**
   * {@code __alloc_pages_direct_compact()}: compacts, then tries the freelists again.
   *
   * @param allocFlags the slow path's {@code alloc_flags}, for the retry
   * @param prio a {@code COMPACT_PRIO_*}
   * @param getPage the allocator's {@code get_page_from_freelist()}, for the retry
   * @return the pfn allocated, or -1
   */
  int directCompact(int order, int allocFlags, int prio, AllocContext ac, GetPage getPage);

  /**
   * Whether reclaim/compaction mode may stop reclaiming for {@code order}: some zone up to
   * {@code highest} could take the request or compact for it ({@code should_continue_reclaim()}).
   * Without compaction the mode does not exist ({@code in_reclaim_compaction()} needs
   * {@code CONFIG_COMPACTION}): yes by default.
   */
  default boolean wouldGoAhead(int order, int highest) {
    return true;
  }

  /** {@code kcompactd_node_suitable()}: some zone up to {@code highest} could compact for {@code order}. None by default. */
  default boolean kcompactdSuitable(int order, int highest) {
    return false;
  }

  /** {@code kcompactd_do_work()} for {@code order}, aiming at free blocks of sensitivity index {@code sens}. Nothing by default. */
  default void kcompactd(int cpu, int order, int highest, int sens) {}

  /** kcompactd's proactive pass ({@link io.asisim.api.mm.PageAllocator#proactiveCompact}). Off by default. */
  default int proactiveCompact(int cpu) {
    return io.asisim.api.mm.PageAllocator.PROACTIVE_OFF;
  }
}
