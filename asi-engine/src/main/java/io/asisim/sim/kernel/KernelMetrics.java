package io.asisim.sim.kernel;

import static io.asisim.api.metrics.Better.LOWER;
import static io.asisim.api.metrics.Better.NEITHER;

import io.asisim.api.metrics.MetricDescriptor;

/** Metrics of the simulated kernel beyond the standard ones ({@code StandardMetrics}). */
public final class KernelMetrics {
  private KernelMetrics() {}

  public static final MetricDescriptor SYSCALLS = new MetricDescriptor("syscalls", "count", NEITHER,
      "system calls executed");
  public static final MetricDescriptor CONTEXT_SWITCHES = new MetricDescriptor("context_switches", "count", NEITHER,
      "context switches (including to and from kernel threads)");
  public static final MetricDescriptor ANON_FAULTS = new MetricDescriptor("anon_faults", "count", NEITHER,
      "anonymous page faults (allocate + zero)");
  public static final MetricDescriptor COW_FAULTS = new MetricDescriptor("cow_faults", "count", NEITHER,
      "copy-on-write faults that copied a page");
  public static final MetricDescriptor FORKS = new MetricDescriptor("forks", "count", NEITHER, "fork() calls");
  public static final MetricDescriptor PAGECACHE_MISSES = new MetricDescriptor("pagecache_misses", "count", NEITHER,
      "page-cache lookups that had to allocate the page");
  public static final MetricDescriptor PAGECACHE_EVICTIONS = new MetricDescriptor("pagecache_evictions", "count", LOWER,
      "page-cache pages evicted by reclaim");
  public static final MetricDescriptor ACCESS_LOSSES = new MetricDescriptor("access_losses", "count", NEITHER,
      "(mm, page) pairs whose logical access ended (close, eviction, unmap, exit)");
  public static final MetricDescriptor OOM_EVENTS = new MetricDescriptor("oom_events", "count", LOWER,
      "operations abandoned because memory ran out after reclaim");
}
