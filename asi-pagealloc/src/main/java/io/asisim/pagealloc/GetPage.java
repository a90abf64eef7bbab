package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_HIGHATOMIC;
import static io.asisim.pagealloc.AllocFlags.ALLOC_HIGHATOMIC;
import static io.asisim.pagealloc.AllocFlags.ALLOC_NOFRAGMENT;
import static io.asisim.pagealloc.AllocFlags.ALLOC_NON_BLOCK;
import static io.asisim.pagealloc.AllocFlags.ALLOC_NO_WATERMARKS;
import static io.asisim.pagealloc.AllocFlags.ALLOC_OOM;
import static io.asisim.pagealloc.AllocFlags.ALLOC_WMARK_MASK;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.mm.PageOrder;

/**
 * {@code get_page_from_freelist()} of mm/page_alloc.c: the zonelist walk with the watermark
 * check ({@link Watermarks}), {@code rmqueue()} (pcp or buddy), {@code rmqueue_buddy()} with
 * its HIGHATOMIC attempts, and {@code reserve_highatomic_pageblock()} after an
 * {@code ALLOC_HIGHATOMIC} success.
 */
final class GetPage {
  private final Pcp pcp;
  private final Rmqueue rmqueue;
  private final Highatomic highatomic;
  private final SensitivityStrategy strategy;
  private final ArchPageOps arch;
  private final long costBuddy;

  GetPage(Pcp pcp, Rmqueue rmqueue, Highatomic highatomic, SensitivityStrategy strategy,
      ArchPageOps arch, long costBuddy) {
    this.pcp = pcp;
    this.rmqueue = rmqueue;
    this.highatomic = highatomic;
    this.strategy = strategy;
    this.arch = arch;
    this.costBuddy = costBuddy;
  }

  /**
   * {@code get_page_from_freelist()} from {@code ac.highestZoneIdx} down with {@code allocFlags},
   * retrying without ALLOC_NOFRAGMENT. As in the kernel, the pass's {@code alloc_flags} travel as
   * an argument beside the context, which holds only what is fixed for the request.
   */
  int getPageFromFreelist(int order, int allocFlags, AllocContext ac) {
    FreeArea fa = ac.fa;
    Zone[] byIndex = fa.byIndex;
    int highest = ac.highestZoneIdx;
    int flags = allocFlags;
    while (true) {
      for (int zi = highest; zi >= 0; zi--) {
        Zone z = byIndex[zi];
        if (z == null) {
          continue;
        }
        if ((flags & ALLOC_NO_WATERMARKS) == 0) {
          long mark = Watermarks.wmark(z, flags & ALLOC_WMARK_MASK);
          if (!Watermarks.zoneWatermarkFast(z, order, mark, highest, flags, fa.hasCma, fa.nrSens)) {
            continue;
          }
        }
        int pfn = rmqueue(z, order, flags, ac);
        if (pfn >= 0) {
          if ((flags & ALLOC_HIGHATOMIC) != 0) {
            highatomic.reserve(z, pfn, order);
          }
          return pfn;
        }
      }
      if ((flags & ALLOC_NOFRAGMENT) != 0) {
        flags &= ~ALLOC_NOFRAGMENT;
        continue;
      }
      return -1;
    }
  }

  /**
   * {@code rmqueue()}: pcp lists for orders up to PAGE_ALLOC_COSTLY_ORDER, else the buddy; then,
   * if a fallback boosted the zone's watermarks, kswapd is woken ({@code ZONE_BOOSTED_WATERMARK}).
   */
  private int rmqueue(Zone z, int order, int flags, AllocContext ac) {
    int pfn = -1;
    if (order <= PageOrder.PAGE_ALLOC_COSTLY_ORDER) {
      pfn = pcp.rmqueuePcplist(z, order, flags, ac);
    }
    if (pfn < 0) {
      pfn = rmqueueBuddy(z, order, flags, ac);
    }
    if ((flags & AllocFlags.ALLOC_KSWAPD) != 0 && z.boostedWatermark) {
      z.boostedWatermark = false;
      ac.wokeKswapd = true; // wakeup_kswapd(zone, 0, 0, zone_idx(zone))
    }
    return pfn;
  }

  /** {@code rmqueue_buddy()}. */
  private int rmqueueBuddy(Zone z, int order, int flags, AllocContext ac) {
    FreeArea fa = ac.fa;
    int highatomicFt = MIGRATE_HIGHATOMIC + ac.sens * FrameTable.MIGRATE_TYPES;
    int pfn = -1;
    if ((flags & ALLOC_HIGHATOMIC) != 0) {
      pfn = fa.rmqueueSmallest(z, order, highatomicFt);
      if (pfn < 0) {
        strategy.highatomicMiss(z, order, ac);
      }
    }
    if (pfn < 0) {
      ac.rmqueueMode = AllocContext.RMQUEUE_NORMAL;
      pfn = rmqueue.rmqueue(z, order, flags, ac);
      if (pfn < 0 && (flags & (ALLOC_OOM | ALLOC_NON_BLOCK)) != 0) {
        pfn = fa.rmqueueSmallest(z, order, highatomicFt);
      }
      if (pfn < 0) {
        return -1;
      }
    }
    return allocated(fa, pfn, order, ac.migratetype, ac.cpu);
  }

  /**
   * {@code rmqueue_buddy()} when {@code __rmqueue_smallest()} finds a block of freetype
   * {@code (mt, sens)} at once: the allocator's fast path above PAGE_ALLOC_COSTLY_ORDER
   * ({@code BuddyAllocator#firstZoneHit}), for a zone without CMA, with no request context and no
   * HIGHATOMIC attempt (the first pass has no ALLOC_HIGHATOMIC). Returns -1, having changed
   * nothing, when there is none and {@code __rmqueue()}'s fallbacks must run.
   */
  int rmqueueBuddyHit(FreeArea fa, Zone z, int cpu, int order, int mt, int sens) {
    int pfn = fa.rmqueueSmallest(z, order, sens * FrameTable.MIGRATE_TYPES + mt);
    return pfn < 0 ? -1 : allocated(fa, pfn, order, mt, cpu);
  }

  /** The end of {@code rmqueue_buddy()}: the block allocated, the buddy operation charged. */
  private int allocated(FreeArea fa, int pfn, int order, int mt, int cpu) {
    fa.markAllocated(pfn, order, mt);
    arch.charge(cpu, costBuddy);
    return pfn;
  }
}
