package io.asisim.api.mm;

/**
 * The page allocator of one variant: a buddy allocator plus, under ASI, a strategy that keeps
 * sensitive and nonsensitive memory apart. Plugins of kind {@code allocator}. Hot paths take and
 * return primitives; nothing is allocated per call.
 */
public interface PageAllocator {
  /** Returned by {@link #alloc} when the request cannot be satisfied. */
  long NO_PAGE = -1;

  /** {@code EBUSY} (include/uapi/asm-generic/errno-base.h), as {@link #offlinePages} returns it negated. */
  int EBUSY = 16;

  /** {@code EINVAL}, as {@link #offlinePages} and {@link #onlinePages} return it negated. */
  int EINVAL = 22;

  /** {@code ENOMEM}: no migration target ({@code alloc_contig_range()} and {@code migrate_pages()} return it negated). */
  int ENOMEM = 12;

  /**
   * {@code __alloc_pages()}: a naturally aligned block of {@code 2^order} frames.
   *
   * @param cpu the CPU the request runs on (pcp lists, cycle accounting)
   * @param order 0..{@link PageOrder#MAX_PAGE_ORDER}
   * @param gfpMask the request's GFP flags ({@link Gfp})
   * @return the first pfn of the block, or {@link #NO_PAGE}
   */
  long alloc(int cpu, int order, int gfpMask);

  /** {@code __free_pages()}: frees a block previously returned by {@link #alloc}. */
  void free(int cpu, long pfn, int order);

  /**
   * Frees a block of {@code 2^order} frames that were allocated before the simulation began (an
   * initial state's memory held by "the rest of the system"), as {@code __free_pages()} of such a
   * block would: a replayed trace's free of a page allocated before its capture started. Returns
   * the block's first pfn, or -1 when there is no such block of that order (this default: never).
   */
  default long freePreexisting(int cpu, int order) {
    return -1;
  }

  /** The sensitivity of frame {@code pfn} (allocated or free) under this allocator's strategy. */
  Sensitivity sensitivity(long pfn);

  /**
   * Whether any frame of {@code [pfn, pfn + n)} is sensitive: the exposure scan asks it of every
   * 2 MiB TLB entry, so an allocator that knows sensitivity per pageblock or per bitmap word answers
   * in a few reads. This default asks {@link #sensitivity} frame by frame.
   */
  default boolean anySensitive(long pfn, long n) {
    for (long f = pfn; f < pfn + n; f++) {
      if (sensitivity(f) == Sensitivity.SENSITIVE) {
        return true;
      }
    }
    return false;
  }

  /**
   * A count that moves whenever the sensitivity of any frame changes (a pageblock flip, a block
   * entering or leaving a pool), or -1 when the allocator does not count. While it stands still the
   * exposure scan can settle TLB entries of nonsensitive frames instead of re-reading them at every
   * scan (docs/checker.md, "Settled entries"). This default returns -1.
   */
  default long sensitivityChanges() {
    return -1;
  }

  /** Free pages, including those on pcp lists and in strategy-private pools. */
  long freePages();

  /**
   * Free pages the zones' watermarks are checked against ({@code NR_FREE_PAGES} of the zones,
   * {@code pgdat_balanced()} in kswapd): a strategy's private pool is not on the zones' free lists,
   * so its free pages do not count. By default {@link #freePages()}.
   */
  default long zoneFreePages() {
    return freePages();
  }

  /**
   * Verifies internal consistency (free lists against counters, no frame both free and allocated,
   * no merge across sensitivity, pageblock sensitivity against the restricted map).
   *
   * @return {@code null} when consistent, else a one-line description of the first violation
   */
  default String checkConsistency() {
    return null;
  }

  /**
   * Asks the allocator to record in {@code log}, from now on, every frame range whose allocator
   * state, pageblock flags or sensitivity changes ({@link io.asisim.api.machine.ChangeLog#frames}),
   * for the checker's incremental checks (docs/checker.md).
   *
   * @return whether it will; this default records nothing and returns false, and the checker then
   *     runs {@link #checkConsistency()} and the restricted-map walk in full at every check
   */
  default boolean logChanges(io.asisim.api.machine.ChangeLog log) {
    return false;
  }

  /**
   * The local part of {@link #checkConsistency()}: the invariants that concern the frames
   * {@code changed} lists (a block's head, alignment, list links and buddy, its pageblocks'
   * sensitivity against the restricted map) and the counters that are cheap to compare; the
   * list walks are left to the periodic full check. Only called when {@link #logChanges} returned
   * true and the log did not overflow. This default runs the full check.
   */
  default String checkConsistency(io.asisim.api.machine.ChangeLog changed) {
    return checkConsistency();
  }

  /**
   * Whether an allocation since the last call missed the low watermark of every zone it may use
   * and so woke kswapd ({@code wake_all_kswapds()} at the start of {@code __alloc_pages_slowpath()},
   * for a request with {@code __GFP_KSWAPD_RECLAIM}); clears the flag. An allocator without
   * watermarks returns false.
   */
  default boolean takeKswapdWakeup() {
    return false;
  }

  /**
   * The end of a kswapd run that restored the boosted watermarks: {@code balance_pgdat()} sets
   * every zone's {@code watermark_boost} back to 0 ({@code boost_watermark()} raised it after a
   * fallback). An allocator without boosts does nothing (the default).
   */
  default void resetWatermarkBoost() {}

  /**
   * {@code pgdat_watermark_boosted()} (mm/vmscan.c): some zone up to {@code highestZoneIdx} still
   * has a watermark boost ({@code boost_watermark()} after a fallback claimed part of a pageblock).
   * A boosted node gets kswapd even when {@link #pgdatBalanced(int, int) balanced}
   * ({@code wakeup_kswapd()}, {@code balance_pgdat()}), and kswapd then wakes kcompactd at
   * pageblock order. This default: never (an allocator that does not boost).
   */
  default boolean pgdatWatermarkBoosted(int highestZoneIdx) {
    return false;
  }

  /**
   * The free pages reclaim restores: the sum of the zones' high watermarks ({@code high_wmark_pages()},
   * where {@code balance_pgdat()} stops). 0 when the allocator keeps no watermarks.
   */
  default long reclaimWatermark() {
    return 0;
  }

  /**
   * The retry of a request after its caller reclaimed for it ({@code __alloc_pages_direct_reclaim()}
   * made progress): the kernel's slow path then compacts at {@code COMPACT_PRIO_SYNC_LIGHT}, where
   * the first attempt compacted asynchronously. This default is {@link #alloc}.
   */
  default long allocAfterReclaim(int cpu, int order, int gfpMask) {
    return alloc(cpu, order, gfpMask);
  }

  /**
   * The kernel's page migration, for compaction ({@code __alloc_pages_direct_compact()}); called
   * once, before the first allocation that may compact. An allocator that does not compact ignores
   * it (this default).
   */
  default void attachMigration(PageMigration migration) {}

  /**
   * {@code pgdat_balanced()} (mm/vmscan.c), where kswapd stops: some zone up to
   * {@code highestZoneIdx} has its free pages above its high watermark (with the lowmem reserve
   * that class of request keeps there). This default compares the free total with
   * {@link #reclaimWatermark()}.
   */
  default boolean pgdatBalanced(int highestZoneIdx) {
    return zoneFreePages() >= reclaimWatermark();
  }

  /**
   * {@code cma_alloc()} (mm/cma.c): {@code nrPageblocks} contiguous pageblocks of the CMA area for a
   * device, moving out of the way what the kernel can migrate ({@code alloc_contig_range()}); the
   * first pfn, or -1 when no run is free or every free run holds a page that cannot move. This
   * default: -1 (no CMA area).
   */
  default long cmaAlloc(int cpu, int nrPageblocks) {
    return -1;
  }

  /** {@code cma_release()} of a run {@link #cmaAlloc} gave. This default refuses: there is no CMA area. */
  default void cmaRelease(int cpu, long pfn, int nrPageblocks) {
    throw new IllegalStateException("cma_release: this allocator has no CMA area");
  }

  /**
   * Whether the last request failed before the point where the kernel's slow path reclaims
   * directly: {@code __alloc_pages_slowpath()} goes to {@code nopage} for a costly
   * {@code __GFP_NORETRY} request whose first compaction was skipped or deferred, so its caller
   * must not reclaim for it. Reading clears it. This default: never.
   */
  default boolean takeNoReclaim() {
    return false;
  }

  /**
   * Whether direct reclaim for a costly request of {@code order} has freed enough: some zone up to
   * {@code highestZoneIdx} could take the request at its min watermark, or could compact for it
   * ({@code compaction_suitable()}), the test by which {@code should_continue_reclaim()}
   * (mm/vmscan.c) stops reclaim/compaction mode. This default, for an allocator that does not
   * compact, says yes: reclaim stops after its first batch.
   */
  default boolean compactionWouldGoAhead(int order, int highestZoneIdx) {
    return true;
  }

  /**
   * {@code pgdat_balanced()} at {@code order}, as kswapd checks it when woken by a high-order
   * request: some zone up to {@code highestZoneIdx} is above its high watermark with a free block of
   * that order. This default ignores the order.
   */
  default boolean pgdatBalanced(int order, int highestZoneIdx) {
    return pgdatBalanced(highestZoneIdx);
  }

  /**
   * {@code kcompactd_node_suitable()} (mm/compaction.c): whether kcompactd, woken for {@code order},
   * would compact some zone up to {@code highestZoneIdx}. This default, for an allocator that does
   * not compact: no.
   */
  default boolean kcompactdSuitable(int order, int highestZoneIdx) {
    return false;
  }

  /**
   * {@code kcompactd_do_work()}: background compaction for {@code order} on {@code cpu}, as
   * kcompactd runs it after kswapd went to sleep or when memory is too fragmented to wake kswapd;
   * {@code gfp} is the waking request's (under ASI it says which sensitivity's free blocks count).
   * This default does nothing.
   */
  default void kcompactd(int cpu, int order, int highestZoneIdx, int gfp) {}

  /**
   * {@code split_page()} (mm/page_alloc.c): the block of {@code order} at {@code pfn}, allocated
   * by {@link #alloc}, becomes {@code 1 << order} allocated order-0 pages, each then freed on its
   * own with {@link #free}; as a THP folio's split leaves its pages. Returns false when the
   * allocator cannot split (this default): the block stays whole.
   */
  default boolean splitPage(int cpu, long pfn, int order) {
    return false;
  }

  /**
   * {@code vm.compaction_proactiveness} (mm/compaction.c, 0..100): above 0, kcompactd wakes every
   * 500 ms to check the node's fragmentation ({@link #proactiveCompact}). This default: 0, for an
   * allocator without proactive compaction.
   */
  default int compactionProactiveness() {
    return 0;
  }

  /** {@link #proactiveCompact}: proactive compaction is off ({@link #compactionProactiveness()} 0). */
  int PROACTIVE_OFF = -1;
  /** {@link #proactiveCompact}: the node is not fragmented enough to compact. */
  int PROACTIVE_IDLE = 0;
  /** {@link #proactiveCompact}: it compacted and the node's fragmentation score fell. */
  int PROACTIVE_PROGRESS = 1;
  /** {@link #proactiveCompact}: it compacted but the score did not fall (kcompactd then waits 64 intervals). */
  int PROACTIVE_NO_PROGRESS = 2;

  /**
   * kcompactd's periodic check ({@code kcompactd()} on its {@code HPAGE_FRAG_CHECK_INTERVAL_MSEC}
   * timeout, mm/compaction.c): {@code should_proactive_compact_node()}, then
   * {@code proactive_compact_node()} on {@code cpu}. Returns one of the {@code PROACTIVE_*} results.
   * This default: {@link #PROACTIVE_OFF}.
   */
  default int proactiveCompact(int cpu) {
    return PROACTIVE_OFF;
  }

  /**
   * {@code shrink_slab()} of one reclaim round on {@code cpu} (kswapd's or a direct reclaimer's,
   * after its LRU batch, as {@code shrink_node()} calls it): the shrinkers this allocator registers,
   * such as the unmapped pool's, which gives free pool blocks back to the buddy. This default has none.
   */
  default void shrinkSlab(int cpu) {}

  /**
   * Free pages in buddy blocks of {@code minOrder} or more, all zones (what /proc/buddyinfo's
   * columns from {@code minOrder} add up to); -1 when the allocator keeps no buddy lists (this default).
   */
  default long freePagesInBlocks(int minOrder) {
    return -1;
  }

  /**
   * {@code offline_pages()} (mm/memory_hotplug.c) of a memory block {@code [startPfn, startPfn +
   * nrPages)}, whole pageblocks of one zone: the range isolated, its movable pages migrated out,
   * its pages taken out of the zone and the watermarks recomputed. 0, {@code -EBUSY} (a page that
   * could not move; the isolation is undone) or {@code -EINVAL} (not one zone, or already
   * offline). The caller then removes the range from the direct map. This default: {@code -EINVAL}
   * (no memory hotplug).
   */
  default int offlinePages(int cpu, long startPfn, long nrPages) {
    return -EINVAL;
  }

  /**
   * {@code online_pages()} of a block {@link #offlinePages} took, after the caller mapped it again:
   * its pages enter their zone as free pages, watermarks recomputed. 0 or {@code -EINVAL} (not an
   * offline block). This default: {@code -EINVAL}.
   */
  default int onlinePages(int cpu, long startPfn, long nrPages) {
    return -EINVAL;
  }

  /** Called once when the run ends, to sample end-of-run gauges such as {@code pool_stranded_pages}. */
  default void finish() {}
}
