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
  /** Indices into {@link #vmscan}: {@link KernelMetrics#VMSTAT}'s order. */
  static final int PGSCAN_KSWAPD = 0;
  static final int PGSCAN_DIRECT = 1;
  static final int PGSTEAL_KSWAPD = 2;
  static final int PGSTEAL_DIRECT = 3;
  static final int ALLOCSTALL_DMA32 = 4;
  static final int ALLOCSTALL_NORMAL = 5;
  static final int ALLOCSTALL_MOVABLE = 6;
  static final int ALLOCSTALL_DMA = 7;


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
