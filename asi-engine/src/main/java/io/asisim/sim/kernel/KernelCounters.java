package io.asisim.sim.kernel;

import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;

/**
 * The kernel's event counters ({@link KernelMetrics}), registered once in a fixed order (the run
 * JSON lists metrics in registration order) and shared by the layers that count them.
 */
record KernelCounters(Counter syscalls, Counter contextSwitches, Counter anonFaults, Counter cowFaults, Counter fileFaults,
    Counter forks, Counter pagecacheMisses, Counter evictions, Counter accessLosses, Counter oomEvents,
    Counter ticks, Counter wakeups, Counter kswapdWakeups, Counter pipeCopies, Counter userCycles,
    Counter coldEntryCycles, Counter[] vmscan) {
  /** Indices into {@link #vmscan}, which holds {@link KernelMetrics#VMSTAT} in its order. */
  static final int PGSCAN_KSWAPD = KernelMetrics.VMSTAT.indexOf(KernelMetrics.PGSCAN_KSWAPD);
  static final int PGSCAN_DIRECT = KernelMetrics.VMSTAT.indexOf(KernelMetrics.PGSCAN_DIRECT);
  static final int PGSTEAL_KSWAPD = KernelMetrics.VMSTAT.indexOf(KernelMetrics.PGSTEAL_KSWAPD);
  static final int PGSTEAL_DIRECT = KernelMetrics.VMSTAT.indexOf(KernelMetrics.PGSTEAL_DIRECT);
  static final int ALLOCSTALL_DMA = KernelMetrics.VMSTAT.indexOf(KernelMetrics.ALLOCSTALL_DMA);
  static final int ALLOCSTALL_DMA32 = KernelMetrics.VMSTAT.indexOf(KernelMetrics.ALLOCSTALL_DMA32);
  static final int ALLOCSTALL_NORMAL = KernelMetrics.VMSTAT.indexOf(KernelMetrics.ALLOCSTALL_NORMAL);
  static final int ALLOCSTALL_MOVABLE = KernelMetrics.VMSTAT.indexOf(KernelMetrics.ALLOCSTALL_MOVABLE);


  static KernelCounters register(Metrics m) {
    Counter syscalls = m.counter(KernelMetrics.SYSCALLS);
    Counter contextSwitches = m.counter(KernelMetrics.CONTEXT_SWITCHES);
    Counter anonFaults = m.counter(KernelMetrics.ANON_FAULTS);
    Counter cowFaults = m.counter(KernelMetrics.COW_FAULTS);
    Counter fileFaults = m.counter(KernelMetrics.FILE_FAULTS);
    Counter forks = m.counter(KernelMetrics.FORKS);
    Counter pagecacheMisses = m.counter(KernelMetrics.PAGECACHE_MISSES);
    Counter evictions = m.counter(KernelMetrics.PAGECACHE_EVICTIONS);
    Counter accessLosses = m.counter(KernelMetrics.ACCESS_LOSSES);
    Counter oomEvents = m.counter(KernelMetrics.OOM_EVENTS);
    Counter ticks = m.counter(KernelMetrics.TIMER_TICKS);
    Counter wakeups = m.counter(KernelMetrics.WAKEUPS);
    Counter kswapdWakeups = m.counter(KernelMetrics.KSWAPD_WAKEUPS);
    Counter pipeCopies = m.counter(KernelMetrics.PIPE_COPIES);
    Counter userCycles = m.counter(KernelMetrics.USER_CYCLES);
    Counter coldEntryCycles = m.counter(KernelMetrics.COLD_ENTRY_CYCLES);
    Counter[] vmscan = new Counter[KernelMetrics.VMSTAT.size()];
    for (int i = 0; i < vmscan.length; i++) {
      vmscan[i] = m.counter(KernelMetrics.VMSTAT.get(i));
    }
    return new KernelCounters(syscalls, contextSwitches, anonFaults, cowFaults, fileFaults, forks, pagecacheMisses, evictions,
        accessLosses, oomEvents, ticks, wakeups, kswapdWakeups, pipeCopies, userCycles, coldEntryCycles, vmscan);
  }
}
