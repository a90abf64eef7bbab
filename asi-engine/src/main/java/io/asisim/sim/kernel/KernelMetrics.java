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
  public static final MetricDescriptor FILE_FAULTS = new MetricDescriptor("file_faults", "count", NEITHER,
      "read faults on private file mappings that mapped a page-cache page (do_read_fault())");
  public static final MetricDescriptor FORKS = new MetricDescriptor("forks", "count", NEITHER, "fork() calls");
  public static final MetricDescriptor PAGECACHE_MISSES = new MetricDescriptor("pagecache_misses", "count", NEITHER,
      "page-cache lookups that had to allocate the page");
  public static final MetricDescriptor PAGECACHE_EVICTIONS = new MetricDescriptor("pagecache_evictions", "count", LOWER,
      "page-cache pages evicted by reclaim");
  public static final MetricDescriptor ACCESS_LOSSES = new MetricDescriptor("access_losses", "count", NEITHER,
      "(mm, page) pairs whose logical access ended (close, eviction, unmap, exit)");
  public static final MetricDescriptor OOM_EVENTS = new MetricDescriptor("oom_events", "count", LOWER,
      "operations abandoned because memory ran out after reclaim");
  public static final MetricDescriptor TIMER_TICKS = new MetricDescriptor("timer_ticks", "count", NEITHER,
      "timer interrupts (CONFIG_HZ=250 on busy CPUs), handled without leaving the restricted space");
  public static final MetricDescriptor WAKEUPS = new MetricDescriptor("wakeups", "count", NEITHER,
      "try_to_wake_up() of tasks blocked in wait4(), a pipe or vfork");
  public static final MetricDescriptor KSWAPD_WAKEUPS = new MetricDescriptor("kswapd_wakeups", "count", NEITHER,
      "kswapd runs (woken at the watermark, reclaiming to the high watermark)");
  public static final MetricDescriptor PIPE_COPIES = new MetricDescriptor("pipe_copies", "pages", NEITHER,
      "pipe buffer pages copied in pipe_write() and pipe_read() (AccessSite pipe)");
  public static final MetricDescriptor USER_CYCLES = new MetricDescriptor("user_cycles", "cycles", NEITHER,
      "cycles of user code run (Kernel.runUser), TLB refills of the user working set included");
  public static final MetricDescriptor COLD_ENTRY_CYCLES = new MetricDescriptor("cold_entry_cycles", "cycles", LOWER,
      "cycles faults and path walks paid above their loop bodies for following user code (cold caches; docs/calibration.md)");

  /** Every metric above, for the metric glossary. */
  public static final java.util.List<MetricDescriptor> ALL = java.util.List.of(
      SYSCALLS, CONTEXT_SWITCHES, ANON_FAULTS, COW_FAULTS, FILE_FAULTS, FORKS, PAGECACHE_MISSES, PAGECACHE_EVICTIONS, ACCESS_LOSSES, OOM_EVENTS, TIMER_TICKS, WAKEUPS, KSWAPD_WAKEUPS, PIPE_COPIES, USER_CYCLES, COLD_ENTRY_CYCLES);
}
