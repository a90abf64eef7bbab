package io.asisim.sim.slab;

import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;

/**
 * The counters a {@link Slub} keeps, registered under their {@link SlabMetrics} names: objects
 * allocated and freed, slabs taken from and given back to the page allocator, order fallbacks and
 * failures, and the pages slabs hold ({@code slab_pages}, {@code nr_slab_reclaimable},
 * {@code nr_slab_unreclaimable} of {@code /proc/vmstat}: gauges).
 */
public final class SlabStats {
  final Counter allocs;
  final Counter frees;
  final Counter slabsNew;
  final Counter slabsFreed;
  final Counter orderFallbacks;
  final Counter allocFailures;
  private final Counter pages;
  private final Counter reclaimable;
  private final Counter unreclaimable;
  private final Counter pagesMax;

  /** The counters, registered in {@code m}. */
  public SlabStats(Metrics m) {
    allocs = m.counter(SlabMetrics.SLAB_ALLOCS);
    frees = m.counter(SlabMetrics.SLAB_FREES);
    slabsNew = m.counter(SlabMetrics.SLABS_NEW);
    slabsFreed = m.counter(SlabMetrics.SLABS_FREED);
    orderFallbacks = m.counter(SlabMetrics.SLAB_ORDER_FALLBACKS);
    allocFailures = m.counter(SlabMetrics.SLAB_ALLOC_FAILURES);
    pages = m.gauge(SlabMetrics.SLAB_PAGES);
    reclaimable = m.gauge(SlabMetrics.NR_SLAB_RECLAIMABLE);
    unreclaimable = m.gauge(SlabMetrics.NR_SLAB_UNRECLAIMABLE);
    pagesMax = m.gauge(SlabMetrics.SLAB_PAGES_MAX);
  }

  void pagesChanged(boolean isReclaimable, long delta) {
    pages.add(delta);
    (isReclaimable ? reclaimable : unreclaimable).add(delta);
    if (pages.get() > pagesMax.get()) {
      pagesMax.set(pages.get());
    }
  }
}
