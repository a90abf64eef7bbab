package io.asisim.sim.trace;

import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.MetricDescriptor;
import java.util.List;

/**
 * Trace-replay metrics beyond the standard {@code trace_*} ones of
 * {@link io.asisim.api.metrics.StandardMetrics}: how the replay resolved what a real trace leaves
 * inconsistent.
 */
public final class TraceMetrics {
  private TraceMetrics() {}

  private static MetricDescriptor m(String name, String desc) {
    return new MetricDescriptor(name, "count", Better.NEITHER, desc);
  }

  private static MetricDescriptor pages(String name, String desc) {
    return new MetricDescriptor(name, "pages", Better.NEITHER, desc);
  }

  /** An alloc of a pfn still live in the replay: its free was lost; the stale block is freed first. */
  public static final MetricDescriptor TRACE_LOST_FREES =
      m("trace_lost_frees", "live blocks freed because the trace allocated over them (their free was not captured)");
  /** A free of a pfn inside a live higher-order block (also counted in trace_unmatched_frees). */
  public static final MetricDescriptor TRACE_TAIL_FREES =
      m("trace_tail_frees", "frees of a tail pfn of a live higher-order block, not replayed");
  /** A free whose order differs from the live block's: the whole block is freed, as __free_pages() of the head. */
  public static final MetricDescriptor TRACE_ORDER_MISMATCHES =
      m("trace_order_mismatches", "frees whose order differs from the live block's (the whole block is freed)");
  /** mm_page_free_batched of a page that its mm_page_free already freed. */
  public static final MetricDescriptor TRACE_BATCHED_DUPLICATES =
      m("trace_batched_duplicates", "mm_page_free_batched events of pages already freed by their mm_page_free");
  /** mm_page_alloc that failed in the traced kernel (pfn 0): not replayed. */
  public static final MetricDescriptor TRACE_TRACED_ALLOC_FAILURES =
      m("trace_traced_alloc_failures", "allocations that failed in the traced kernel, not replayed");
  /** Events the tracer reported lost. */
  public static final MetricDescriptor TRACE_LOST_EVENTS =
      m("trace_lost_events", "events the tracer reported as lost (trace-cmd EVENTS DROPPED)");
  /** A free of a block allocated before the capture, taken from a seeded state's allocated memory. */
  public static final MetricDescriptor TRACE_ADOPTED_FREES =
      m("trace_adopted_frees", "frees of pages allocated before the capture, each freeing a block of its order from the "
          + "memory an initial state holds allocated (reported when there was one)");
  /** Blocks still allocated when the trace ends, freed by the workload's tear-down. */
  public static final MetricDescriptor TRACE_LIVE_AT_END =
      m("trace_live_blocks_at_end", "blocks still allocated at the end of the trace, freed at tear-down");

  /** Slab events of a trace that also has page events: its page events already carry the slabs' pages. */
  public static final MetricDescriptor TRACE_SLAB_NOT_REPLAYED =
      m("trace_slab_events_not_replayed", "slab events of a trace with page events, counted but not replayed");
  /** kfree(NULL) and kfree(ZERO_SIZE_PTR), which the kernel traces before its check. */
  public static final MetricDescriptor TRACE_SLAB_NULL_FREES =
      m("trace_slab_null_frees", "kfree events of NULL or ZERO_SIZE_PTR (nothing to free)");
  /** kmalloc above 8 KiB: kmalloc_large() takes pages, not a slab object. */
  public static final MetricDescriptor TRACE_KMALLOC_LARGE =
      m("trace_kmalloc_large", "kmalloc events above 8 KiB (kmalloc_large(): pages, not a slab object), not replayed");

  /** The traced kernel's own compaction, from a trace's compaction events (reported only when it has some). */
  public static final MetricDescriptor TRACE_COMPACTION_RUNS =
      m("trace_compaction_runs", "compact_zone() runs of the traced kernel (compaction:mm_compaction_begin)");
  public static final MetricDescriptor TRACE_COMPACTION_MIGRATE_SCANNED = pages("trace_compaction_migrate_scanned",
      "pages the traced kernel's migrate scanner looked at (nr_scanned of mm_compaction_isolate_migratepages)");
  public static final MetricDescriptor TRACE_COMPACTION_FREE_SCANNED = pages("trace_compaction_free_scanned",
      "pages the traced kernel's free scanner looked at (nr_scanned of mm_compaction_isolate_freepages)");
  public static final MetricDescriptor TRACE_COMPACTION_ISOLATED = pages("trace_compaction_isolated",
      "pages the traced kernel's compaction isolated (nr_taken of both isolate events)");
  public static final MetricDescriptor TRACE_COMPACTION_MIGRATED = pages("trace_compaction_migrated",
      "pages the traced kernel's compaction migrated (nr_migrated of mm_compaction_migratepages)");
  public static final MetricDescriptor TRACE_COMPACTION_FAILED = pages("trace_compaction_failed",
      "pages the traced kernel's compaction failed to migrate (nr_failed of mm_compaction_migratepages)");

  /** All of the above, in declaration order. */
  public static final List<MetricDescriptor> ALL = List.of(TRACE_LOST_FREES, TRACE_TAIL_FREES, TRACE_ORDER_MISMATCHES,
      TRACE_BATCHED_DUPLICATES, TRACE_TRACED_ALLOC_FAILURES, TRACE_LOST_EVENTS, TRACE_ADOPTED_FREES, TRACE_LIVE_AT_END, TRACE_SLAB_NOT_REPLAYED,
      TRACE_SLAB_NULL_FREES, TRACE_KMALLOC_LARGE, TRACE_COMPACTION_RUNS, TRACE_COMPACTION_MIGRATE_SCANNED,
      TRACE_COMPACTION_FREE_SCANNED, TRACE_COMPACTION_ISOLATED, TRACE_COMPACTION_MIGRATED, TRACE_COMPACTION_FAILED);
}
