package io.asisim.sim.kernel;

import io.asisim.api.mm.PageAllocator;
import java.util.function.IntConsumer;

/**
 * kcompactd, the per-node compaction thread of mm/compaction.c. It is woken for an order
 * ({@code wakeup_kcompactd()}: by kswapd going to sleep after a high-order wake-up, or by a
 * high-order request that finds the node balanced) and then runs {@code kcompactd_do_work()}; and,
 * with {@code vm.compaction_proactiveness} above 0, it wakes on its own every
 * {@code HPAGE_FRAG_CHECK_INTERVAL_MSEC} (500 ms) of simulated time ({@code kcompactd()}'s
 * timeout), compacting proactively when the node's fragmentation score is above the high mark
 * ({@code should_proactive_compact_node()}, {@code PageAllocator.proactiveCompact}; its "kswapd is
 * running" test never holds here, where kswapd runs to completion inside the allocation that woke
 * it, before any timer runs); a pass that does not lower the score makes it wait
 * {@code 1 << COMPACT_MAX_DEFER_SHIFT} intervals (32 s). Each run is a kernel thread on the
 * least-loaded other CPU ({@link Sched#runKthread}); after a run for an order the timeout starts
 * again. The timer is a {@link Timers} timer; runs happen at the CPUs' user-mode boundaries.
 */
final class Kcompactd {
  /** {@code HPAGE_FRAG_CHECK_INTERVAL_MSEC} (125 jiffies at {@code CONFIG_HZ=250}). */
  static final long HPAGE_FRAG_CHECK_INTERVAL_MSEC = 500;
  /** {@code COMPACT_MAX_DEFER_SHIFT}: a pass without progress waits 64 intervals. */
  static final int COMPACT_MAX_DEFER_SHIFT = 6;

  private final PageAllocator allocator;
  private final Sched sched;
  private final io.asisim.api.machine.Machine machine;
  private final long interval;
  private int timer = -1;
  private int workOrder;
  private int workZoneIdx;
  private int workGfp;
  private int proactiveResult;
  private final IntConsumer work = this::work;
  private final IntConsumer proactive = this::proactive;

  Kcompactd(io.asisim.api.machine.Machine machine, PageAllocator allocator, Sched sched) {
    this.machine = machine;
    this.allocator = allocator;
    this.sched = sched;
    this.interval = sched.msecsToCycles(HPAGE_FRAG_CHECK_INTERVAL_MSEC);
  }

  /**
   * {@code kcompactd_run()} at boot (once the allocator can compact): with proactive compaction on,
   * the first timeout is armed at {@code cpu}'s clock; without, kcompactd sleeps until woken
   * ({@code MAX_SCHEDULE_TIMEOUT}).
   */
  void start(int cpu) {
    if (timer < 0 && allocator.compactionProactiveness() > 0) {
      timer = sched.timers().add(this::timeout);
      sched.timers().mod(timer, machine.cycles(cpu) + interval);
    }
  }

  /**
   * {@code wakeup_kcompactd()}: if some zone could compact for {@code order}
   * ({@code kcompactd_node_suitable()}), kcompactd runs {@code kcompactd_do_work()} as a kernel
   * thread on the least-loaded other CPU.
   */
  void wakeup(int cpu, int order, int highestZoneIdx, int gfp) {
    if (!allocator.kcompactdSuitable(order, highestZoneIdx)) {
      return;
    }
    workOrder = order;
    workZoneIdx = highestZoneIdx;
    workGfp = gfp;
    int target = sched.leastLoadedOtherCpu(cpu);
    sched.runKthread(target, work, target != cpu);
    if (timer >= 0) {
      sched.timers().mod(timer, now(cpu, target) + interval); // "timeout = default_timeout; continue"
    }
  }

  private void work(int cpu) {
    allocator.kcompactd(cpu, workOrder, workZoneIdx, workGfp);
  }

  private void proactive(int cpu) {
    proactiveResult = allocator.proactiveCompact(cpu);
  }

  /** The timeout: kcompactd wakes, checks the node's fragmentation and sleeps again. */
  private void timeout(int cpu) {
    int target = sched.leastLoadedOtherCpu(cpu);
    sched.runKthread(target, proactive, true);
    if (proactiveResult == PageAllocator.PROACTIVE_OFF) {
      return;
    }
    long wait = proactiveResult == PageAllocator.PROACTIVE_NO_PROGRESS ? interval << COMPACT_MAX_DEFER_SHIFT : interval;
    sched.timers().mod(timer, now(cpu, target) + wait);
  }

  /**
   * The time to arm from: the later clock of the waker's CPU and kcompactd's (an idle CPU's clock
   * stands still, so kcompactd's alone may be far behind the time the timer fired at).
   */
  private long now(int cpu, int target) {
    return Math.max(machine.cycles(cpu), machine.cycles(target));
  }
}
