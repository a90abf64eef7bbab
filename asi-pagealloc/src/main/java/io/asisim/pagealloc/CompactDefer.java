package io.asisim.pagealloc;

/**
 * Compaction's deferral (mm/compaction.c): after a run that found nothing, a zone skips the next
 * {@code 1 << compact_defer_shift} requests of at least the order that failed; success resets it.
 * The state is the zone's ({@code compact_considered}, {@code compact_defer_shift},
 * {@code compact_order_failed}).
 */
final class CompactDefer {
  private CompactDefer() {}

  /** {@code compaction_deferred()}. */
  static boolean compactionDeferred(Zone z, int order) {
    if (order < z.compactOrderFailed) {
      return false;
    }
    if (++z.compactConsidered >= (1 << z.compactDeferShift)) {
      z.compactConsidered = 1 << z.compactDeferShift;
      return false;
    }
    return true;
  }

  /** {@code defer_compaction()}. */
  static void deferCompaction(Zone z, int order) {
    z.compactConsidered = 0;
    z.compactDeferShift = Math.min(z.compactDeferShift + 1, Compaction.COMPACT_MAX_DEFER_SHIFT);
    if (order < z.compactOrderFailed) {
      z.compactOrderFailed = order;
    }
  }

  /** {@code compaction_defer_reset()}. */
  static void deferReset(Zone z, int order, boolean allocSuccess) {
    if (allocSuccess) {
      z.compactConsidered = 0;
      z.compactDeferShift = 0;
    }
    if (order >= z.compactOrderFailed) {
      z.compactOrderFailed = order + 1;
    }
  }
}
