package io.asisim.sim.slab;

import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.MetricDescriptor;
import java.util.List;

/** The metrics of the slab allocator; {@code /proc/vmstat} names where the kernel has one. */
public final class SlabMetrics {
  private SlabMetrics() {}

  private static MetricDescriptor m(String name, String unit, Better better, String desc) {
    return new MetricDescriptor(name, unit, better, desc);
  }

  public static final MetricDescriptor SLAB_ALLOCS =
      m("slab_allocs", "count", Better.NEITHER, "objects allocated from slab caches (kmem_cache_alloc, kmalloc)");
  public static final MetricDescriptor SLAB_FREES =
      m("slab_frees", "count", Better.NEITHER, "objects freed to slab caches (kmem_cache_free, kfree)");
  public static final MetricDescriptor SLABS_NEW =
      m("slabs_new", "count", Better.NEITHER, "slabs taken from the page allocator (new_slab)");
  public static final MetricDescriptor SLABS_FREED =
      m("slabs_freed", "count", Better.NEITHER, "empty slabs given back to the page allocator (discard_slab)");
  public static final MetricDescriptor SLAB_ORDER_FALLBACKS =
      m("slab_order_fallbacks", "count", Better.LOWER, "slabs allocated at the minimum order because the cache's order failed");
  public static final MetricDescriptor SLAB_ALLOC_FAILURES =
      m("slab_alloc_failures", "count", Better.LOWER, "object allocations that failed: no slab page could be allocated");
  /** {@code /proc/vmstat} has no such line; the pages of every slab, as {@code nr_slab_*} together. */
  public static final MetricDescriptor SLAB_PAGES =
      m("slab_pages", "pages", Better.LOWER, "pages held by slab caches at the end");
  public static final MetricDescriptor SLAB_PAGES_MAX =
      m("slab_pages_max", "pages", Better.LOWER, "most pages slab caches held at once");
  public static final MetricDescriptor NR_SLAB_RECLAIMABLE =
      m("nr_slab_reclaimable", "pages", Better.LOWER, "pages of SLAB_RECLAIM_ACCOUNT caches at the end (/proc/vmstat)");
  public static final MetricDescriptor NR_SLAB_UNRECLAIMABLE =
      m("nr_slab_unreclaimable", "pages", Better.LOWER, "pages of other slab caches at the end (/proc/vmstat)");

  /** All of them, in declaration order. */
  public static final List<MetricDescriptor> ALL = List.of(SLAB_ALLOCS, SLAB_FREES, SLABS_NEW, SLABS_FREED,
      SLAB_ORDER_FALLBACKS, SLAB_ALLOC_FAILURES, SLAB_PAGES, SLAB_PAGES_MAX, NR_SLAB_RECLAIMABLE, NR_SLAB_UNRECLAIMABLE);
}
