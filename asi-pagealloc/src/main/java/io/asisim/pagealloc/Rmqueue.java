package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_CMA;
import static io.asisim.pagealloc.AllocContext.RMQUEUE_CLAIM;
import static io.asisim.pagealloc.AllocContext.RMQUEUE_CMA;
import static io.asisim.pagealloc.AllocContext.RMQUEUE_NORMAL;
import static io.asisim.pagealloc.AllocContext.RMQUEUE_STEAL;
import static io.asisim.pagealloc.AllocFlags.ALLOC_CMA;
import static io.asisim.pagealloc.AllocFlags.ALLOC_NOFRAGMENT;

/**
 * {@code __rmqueue()} of mm/page_alloc.c with its {@code rmqueue_mode} state machine: the
 * request's own freetype, CMA, claim, steal; then the {@link SensitivityStrategy}'s hook when
 * nothing of the request's sensitivity was found (the ASI series' pageblock flip).
 */
final class Rmqueue {
  private final Fallback fallback;
  private final SensitivityStrategy strategy;

  Rmqueue(Fallback fallback, SensitivityStrategy strategy) {
    this.fallback = fallback;
    this.strategy = strategy;
  }

  /**
   * {@code __rmqueue()} for the request's sensitivity; when it finds nothing the strategy may
   * make a block of that sensitivity available ({@code rmqueueEmpty}), and it is tried again.
   * ALLOC_NOFRAGMENT passes never do: the fragmenting retry comes first.
   */
  int rmqueue(Zone z, int order, int flags, AllocContext ac) {
    int pfn = rmqueue0(z, order, flags, ac);
    if (pfn >= 0 || (flags & ALLOC_NOFRAGMENT) != 0 || !strategy.rmqueueEmpty(ac.fa, z, order, flags, ac)) {
      return pfn;
    }
    ac.rmqueueMode = RMQUEUE_NORMAL;
    return rmqueue0(z, order, flags, ac);
  }

  /** {@code __rmqueue()} proper (cases fall through as in C). */
  @SuppressWarnings("fallthrough")
  private int rmqueue0(Zone z, int order, int flags, AllocContext ac) {
    FreeArea fa = ac.fa;
    int base = ac.sens * FrameTable.MIGRATE_TYPES;
    boolean hasCma = fa.hasCma;
    if (hasCma && (flags & ALLOC_CMA) != 0 && Watermarks.freeCmaPages(z, hasCma, fa.nrSens) > z.freePages / 2) {
      int pfn = fa.rmqueueSmallest(z, order, base + MIGRATE_CMA);
      if (pfn >= 0) {
        return pfn;
      }
    }
    int pfn;
    switch (ac.rmqueueMode) {
      case RMQUEUE_NORMAL:
        pfn = fa.rmqueueSmallest(z, order, base + ac.migratetype);
        if (pfn >= 0) {
          return pfn;
        }
        // fall through
      case RMQUEUE_CMA:
        if ((flags & ALLOC_CMA) != 0 && hasCma) {
          pfn = fa.rmqueueSmallest(z, order, base + MIGRATE_CMA);
          if (pfn >= 0) {
            ac.rmqueueMode = RMQUEUE_CMA;
            return pfn;
          }
        }
        // fall through
      case RMQUEUE_CLAIM:
        pfn = fallback.rmqueueClaim(z, order, flags, ac);
        if (pfn >= 0) {
          ac.rmqueueMode = RMQUEUE_NORMAL;
          return pfn;
        }
        // fall through
      case RMQUEUE_STEAL:
      default:
        if ((flags & ALLOC_NOFRAGMENT) == 0) {
          pfn = fallback.rmqueueSteal(z, order, ac);
          if (pfn >= 0) {
            ac.rmqueueMode = RMQUEUE_STEAL;
            return pfn;
          }
        }
        return -1;
    }
  }
}
