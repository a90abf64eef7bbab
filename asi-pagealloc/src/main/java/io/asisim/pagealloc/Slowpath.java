package io.asisim.pagealloc;

import static io.asisim.pagealloc.AllocFlags.ALLOC_HIGHATOMIC;
import static io.asisim.pagealloc.AllocFlags.ALLOC_KSWAPD;
import static io.asisim.pagealloc.AllocFlags.ALLOC_MIN_RESERVE;
import static io.asisim.pagealloc.AllocFlags.ALLOC_NON_BLOCK;
import static io.asisim.pagealloc.AllocFlags.ALLOC_NO_WATERMARKS;
import static io.asisim.pagealloc.AllocFlags.ALLOC_WMARK_MASK;
import static io.asisim.pagealloc.AllocFlags.ALLOC_WMARK_MIN;

import io.asisim.api.mm.Gfp;

/**
 * {@code __alloc_pages_slowpath()} of mm/page_alloc.c as far as it does not depend on reclaim:
 * {@code gfp_to_alloc_flags()}, {@code __GFP_MEMALLOC}, and for blocking requests: direct compaction through a
 * {@link CompactionHook} (asynchronous first for costly or unmovable high-order requests, at
 * {@code COMPACT_PRIO_SYNC_LIGHT} on the retry after reclaim), the "reclaim made no progress" steps
 * {@code unreserve_highatomic_pageblock()} + {@code drain_all_pages()}, then the forced
 * unreserve. Reclaim is the caller's ({@code PageAllocator.allocAfterReclaim} retries after it;
 * {@code PageAllocator.takeNoReclaim} says when the slow path gave up before it); the OOM killer
 * is not modelled.
 * The fast path before it ({@code __alloc_pages_noprof()}) is the {@link BuddyAllocator} facade's.
 */
final class Slowpath {
  private final GetPage getPage;
  private final Pcp pcp;
  private final Highatomic highatomic;
  private final SensitivityStrategy strategy;
  private final CompactionHook compaction;

  Slowpath(GetPage getPage, Pcp pcp, Highatomic highatomic, SensitivityStrategy strategy,
      CompactionHook compaction) {
    this.getPage = getPage;
    this.pcp = pcp;
    this.highatomic = highatomic;
    this.strategy = strategy;
    this.compaction = compaction;
  }

  /** {@code __alloc_pages_slowpath()} minus reclaim and the OOM killer. */
  int slowpath(int order, int cma, AllocContext ac) {
    int gfp = ac.gfp;
    if ((gfp & Gfp.__GFP_KSWAPD_RECLAIM) != 0) {
      ac.wokeKswapd = true; // wake_all_kswapds(): the kernel's kswapd threads run next
    }
    strategy.wakeKswapd(ac);
    int flags = gfpToAllocFlags(gfp, order) | cma;
    int pfn = getPage.getPageFromFreelist(order, flags, ac);
    if (pfn >= 0) {
      return pfn;
    }
    if ((gfp & Gfp.__GFP_MEMALLOC) != 0 && (gfp & Gfp.__GFP_NOMEMALLOC) == 0) {
      // __gfp_pfmemalloc_flags(): ALLOC_NO_WATERMARKS
      pfn = getPage.getPageFromFreelist(order, (flags & ~ALLOC_WMARK_MASK) | ALLOC_NO_WATERMARKS, ac);
      if (pfn >= 0) {
        return pfn;
      }
    }
    if (!Gfp.allowBlocking(gfp)) {
      return -1;
    }
    boolean costly = order > io.asisim.api.mm.PageOrder.PAGE_ALLOC_COSTLY_ORDER;
    // can_compact: a kernel without CONFIG_COMPACTION skips this block, nopage exit included
    if (!ac.afterReclaim && compaction != CompactionHook.NONE
        && (costly || (order > 0 && ac.migratetype != io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE))) {
      // costly or unmovable high-order requests compact (asynchronously) before they reclaim
      pfn = compaction.directCompact(order, flags, CompactionHook.COMPACT_PRIO_ASYNC, ac, getPage);
      if (pfn >= 0) {
        return pfn;
      }
      // a costly __GFP_NORETRY request (a THP fault under defrag=always, not madvised) whose
      // compaction could not run or was deferred goes to nopage: neither reclaim nor a retry
      if (costly && (gfp & Gfp.__GFP_NORETRY) != 0
          && (ac.compactResult == Compaction.COMPACT_SKIPPED || ac.compactResult == Compaction.COMPACT_DEFERRED)) {
        ac.noReclaim = true;
        return -1;
      }
    }
    // __alloc_pages_direct_reclaim(): reclaim itself is the caller's (the kernel's Vmscan, which
    // retries through allocAfterReclaim()); what is left here is its "no progress" step:
    // unreserve and drain
    boolean progress = highatomic.unreserve(ac.highestZoneIdx, ac.migratetype, ac.sens, false);
    progress |= pcp.drainAllPages(ac.fa) > 0;
    if (progress) {
      pfn = getPage.getPageFromFreelist(order, flags, ac);
      if (pfn >= 0) {
        return pfn;
      }
    }
    if (ac.afterReclaim) {
      // the direct compaction after reclaim, at DEF_COMPACT_PRIORITY; a costly __GFP_NORETRY request
      // (a THP fault under defrag=always) stays asynchronous: sync compaction "could be very expensive"
      int prio = costly && (gfp & Gfp.__GFP_NORETRY) != 0 ? CompactionHook.COMPACT_PRIO_ASYNC
          : CompactionHook.COMPACT_PRIO_SYNC_LIGHT;
      pfn = compaction.directCompact(order, flags, prio, ac, getPage);
      if (pfn >= 0) {
        return pfn;
      }
    }
    // should_reclaim_retry() gives up: unreserve_highatomic_pageblock(ac, true).
    if (highatomic.unreserve(ac.highestZoneIdx, ac.migratetype, ac.sens, true)) {
      pfn = getPage.getPageFromFreelist(order, flags, ac);
    }
    return pfn;
  }

  /** {@code gfp_to_alloc_flags()}. */
  static int gfpToAllocFlags(int gfp, int order) {
    int flags = ALLOC_WMARK_MIN;
    if ((gfp & Gfp.__GFP_HIGH) != 0) {
      flags |= ALLOC_MIN_RESERVE;
    }
    if ((gfp & Gfp.__GFP_KSWAPD_RECLAIM) != 0) {
      flags |= ALLOC_KSWAPD;
    }
    if ((gfp & Gfp.__GFP_DIRECT_RECLAIM) == 0 && (gfp & Gfp.__GFP_NOMEMALLOC) == 0) {
      flags |= ALLOC_NON_BLOCK;
      if (order > 0) {
        flags |= ALLOC_HIGHATOMIC;
      }
    }
    return flags;
  }
}
