package io.asisim.pagealloc;

import io.asisim.api.mm.Sensitivity;

/**
 * The places where an ASI design hooks into mm/page_alloc.c: how many sensitivity classes the free
 * lists hold, which class a request wants, what a pfn's class is, and what to do when
 * {@code __rmqueue()} finds nothing of the request's class. {@link NoSensitivity} is the plain
 * buddy; {@link PageblockSensitivity} is Jackman's pageblock-migratetype series (flip a free
 * pageblock); {@link UnmappedPool} is Rapoport's separate cache, which sits beside a plain buddy
 * and hooks in only at the kswapd wake-up point (its shrinker) and for the class of a pfn.
 */
interface SensitivityStrategy {
  /**
   * Sensitivity classes kept apart in the buddy's free and pcp lists (1 or 2): one unless the
   * design doubles the freetypes, as the pageblock series does.
   */
  default int nrSensitivities() {
    return 1;
  }

  /**
   * The sensitivity index of a request's freetypes ({@code gfp_migratetype()}'s ASI half): 0 with
   * one class of lists.
   */
  default int requestIndex(int gfp) {
    return 0;
  }

  /** The sensitivity of an allocated page, as {@link io.asisim.api.mm.PageAllocator#sensitivity}. */
  Sensitivity sensitivity(long pfn);

  /** {@link io.asisim.api.mm.PageAllocator#sensitivityChanges}: -1 (not counted) by default. */
  default long sensitivityChanges() {
    return -1;
  }

  /** {@link io.asisim.api.mm.PageAllocator#anySensitive}: by default frame by frame. */
  default boolean anySensitive(long pfn, long n) {
    for (long f = pfn; f < pfn + n; f++) {
      if (sensitivity(f) == Sensitivity.SENSITIVE) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code __rmqueue()} found nothing of {@code ac.sens}: make a block of that class available
   * (the ASI series' pageblock flip). Returns true when the caller should try again.
   */
  default boolean rmqueueEmpty(FreeArea fa, Zone z, int order, int allocFlags, AllocContext ac) {
    return false;
  }

  /** {@code rmqueue_buddy()}'s HIGHATOMIC attempt found no reserve of the request's class. */
  default void highatomicMiss(Zone z, int order, AllocContext ac) {}

  /** The request leaves the fast path ({@code wake_all_kswapds()} would run). */
  default void wakeKswapd(AllocContext ac) {}

  /** The request failed as a whole ({@code warn_alloc()} point). */
  default void allocFailed(AllocContext ac) {}
}
