package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_RECLAIMABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_UNMOVABLE;
import static io.asisim.pagealloc.AllocFlags.ALLOC_NOFRAGMENT;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.metrics.Counter;

/**
 * Migratetype fallback of mm/page_alloc.c: {@code __rmqueue_claim()} (take a whole pageblock of
 * another type), {@code __rmqueue_steal()} (take one block, leave the pageblock's type),
 * {@code find_suitable_fallback()}, {@code should_try_claim_block()}, {@code try_to_claim_block()}
 * with {@code prep_move_freepages_block()}; each success is one {@code mm_page_alloc_extfrag}.
 * All of it within the request's sensitivity ({@code ac.sens}).
 */
final class Fallback {
  /** {@code fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1]} of mm/page_alloc.c. */
  static final int[][] FALLBACKS = {
    {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE}, // UNMOVABLE
    {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE}, // MOVABLE
    {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE}, // RECLAIMABLE
  };

  private final FreeArea fa;
  private final FrameTable ft;
  private final ArchPageOps arch;
  private final long costFallback;
  private final Counter allocFallbacks;
  private final Counter claims;
  /** {@code watermark_boost_factor}. */
  private final int boostFactor;

  Fallback(FreeArea fa, ArchPageOps arch, long costFallback, int boostFactor, Counter allocFallbacks, Counter claims) {
    this.claims = claims;
    this.boostFactor = boostFactor;
    this.fa = fa;
    this.ft = fa.ft;
    this.arch = arch;
    this.costFallback = costFallback;
    this.allocFallbacks = allocFallbacks;
  }

  /** {@code should_try_claim_block()}. */
  static boolean shouldTryClaimBlock(int order, int startMt) {
    if (order >= FrameTable.PB_ORDER) {
      return true;
    }
    if (order >= FrameTable.PB_ORDER / 2) {
      return true;
    }
    return startMt == MIGRATE_RECLAIMABLE || startMt == MIGRATE_UNMOVABLE;
  }

  /** {@code find_suitable_fallback()}: -1 none at this order, -2 stop claiming. */
  static int findSuitableFallback(Zone z, int order, int mt, int sens, boolean claimable) {
    if (claimable && !shouldTryClaimBlock(order, mt)) {
      return -2;
    }
    if (z.nrFree[order] == 0) {
      return -1;
    }
    int base = sens * FrameTable.MIGRATE_TYPES;
    int[] fb = FALLBACKS[mt];
    for (int i = 0; i < fb.length; i++) {
      if (!z.freeAreaEmpty(order, base + fb[i])) {
        return fb[i];
      }
    }
    return -1;
  }

  /** {@code __rmqueue_claim()}: the largest fallback block whose pageblock can be claimed. */
  int rmqueueClaim(Zone z, int order, int flags, AllocContext ac) {
    int mt = ac.migratetype;
    int minOrder = order;
    if (order < FrameTable.PB_ORDER && (flags & ALLOC_NOFRAGMENT) != 0) {
      minOrder = FrameTable.PB_ORDER;
    }
    int base = ac.sens * FrameTable.MIGRATE_TYPES;
    for (int o = FrameTable.MAX_ORDER; o >= minOrder; o--) {
      int fmt = findSuitableFallback(z, o, mt, ac.sens, true);
      if (fmt == -1) {
        continue;
      }
      if (fmt == -2) {
        break;
      }
      int pfn = z.freeHead(z.list(o, base + fmt));
      int got = tryToClaimBlock(z, pfn, o, order, mt, fmt, ac.sens, flags);
      if (got >= 0) {
        extfrag(ac);
        claims.inc(); // try_to_claim_block() returns a page only once the block is the request's type
        return got;
      }
    }
    return -1;
  }

  /** {@code __rmqueue_steal()}: the smallest fallback block, without changing the pageblock's type. */
  int rmqueueSteal(Zone z, int order, AllocContext ac) {
    int base = ac.sens * FrameTable.MIGRATE_TYPES;
    for (int o = order; o < FrameTable.NR_PAGE_ORDERS; o++) {
      int fmt = findSuitableFallback(z, o, ac.migratetype, ac.sens, false);
      if (fmt == -1) {
        continue;
      }
      int pfn = z.freeHead(z.list(o, base + fmt));
      fa.delFromFreeList(z, pfn, o, base + fmt);
      fa.expand(z, pfn, order, o, base + fmt);
      extfrag(ac);
      return pfn;
    }
    return -1;
  }

  /** One {@code mm_page_alloc_extfrag} event. */
  private void extfrag(AllocContext ac) {
    allocFallbacks.inc();
    arch.charge(ac.cpu, costFallback);
  }

  /** {@code try_to_claim_block()}. */
  private int tryToClaimBlock(Zone z, int pfn, int currentOrder, int order, int startMt, int blockMt, int sens,
      int flags) {
    int base = sens * FrameTable.MIGRATE_TYPES;
    if (currentOrder >= FrameTable.PB_ORDER) {
      fa.delFromFreeList(z, pfn, currentOrder, base + blockMt);
      fa.changePageblockRange(pfn, currentOrder, startMt);
      fa.expand(z, pfn, order, currentOrder, base + startMt);
      return pfn;
    }
    // boost watermarks for more reclaim pressure, so that fewer fallbacks follow; kswapd is woken
    // at the end of this rmqueue(), as the node may be balanced overall and would not wake itself
    if (Watermarks.boostWatermark(z, boostFactor) && (flags & AllocFlags.ALLOC_KSWAPD) != 0) {
      z.boostedWatermark = true;
    }
    int start = pfn & ~(FrameTable.PB_PAGES - 1);
    if (start < z.startPfn || start + FrameTable.PB_PAGES > z.endPfn) {
      return -1;
    }
    // prep_move_freepages_block(): count free and movable pages of the block.
    int free = 0;
    int movable = 0;
    int end = start + FrameTable.PB_PAGES;
    for (int p = start; p < end; ) {
      int s = ft.stateOf(p);
      int where = s & FrameTable.WHERE_MASK;
      if (where == FrameTable.BUDDY) {
        int n = 1 << (s & FrameTable.ORDER_MASK);
        free += n;
        p += n;
      } else if ((s & FrameTable.ALLOC) != 0 && where == 0) {
        int n = 1 << (s & FrameTable.ORDER_MASK);
        if ((s & FrameTable.MOVABLE_ALLOC) != 0) {
          movable += n;
        }
        p += n;
      } else if (where == FrameTable.PCP || where == FrameTable.POOL) {
        p += 1 << (s & FrameTable.ORDER_MASK);
      } else {
        p++;
      }
    }
    int alike;
    if (startMt == MIGRATE_MOVABLE) {
      alike = movable;
    } else if (blockMt == MIGRATE_MOVABLE) {
      alike = FrameTable.PB_PAGES - (free + movable);
    } else {
      alike = 0;
    }
    if (free + alike >= (1 << (FrameTable.PB_ORDER - 1))) {
      fa.moveFreepagesBlock(z, start, base + blockMt, base + startMt);
      ft.setPbMigratetype(start, startMt);
      return fa.rmqueueSmallest(z, order, base + startMt);
    }
    return -1;
  }
}
