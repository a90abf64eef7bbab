package io.asisim.sim.kernel;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;

/**
 * The periodic scheduler tick ({@code tick_sched_timer()} → {@code update_process_times()} →
 * {@code sched_tick()}, kernel/time/tick-sched.c and kernel/sched/core.c) at {@code CONFIG_HZ=250}:
 * every 4 ms of a CPU's simulated time while it is busy (an idle CPU's clock does not advance, as
 * {@code NO_HZ_IDLE} stops its tick). The handler touches only nonsensitive kernel data (timers,
 * runqueue, accounting), so it runs in the restricted address space without an ASI exit: the
 * interrupt entry refills the kernel footprint ({@code Machine.kernelEntry}) and charges the
 * handler. Ticks are delivered when the CPU next enters the kernel or leaves user code
 * ({@link #poll}), which counts them exactly; the tick does not preempt (the workload decides who
 * runs). Each tick re-arms the next one ({@code Machine.timerInterrupt}), which a guest machine
 * charges its VM exits for.
 */
final class Tick {
  private final Machine machine;
  private final Counter ticks;
  private final long period;
  private final long[] next;

  Tick(Machine machine, Counter ticks) {
    this.machine = machine;
    this.ticks = ticks;
    this.period = Math.max(1, machine.profile().get(Cost.CLOCK_MHZ) * 1_000_000 / KernelCosts.HZ);
    this.next = new long[machine.nrCpus()];
    java.util.Arrays.fill(next, period);
  }

  /** Cycles between two ticks of one CPU ({@code TICK_NSEC} at the profile's clock). */
  long period() {
    return period;
  }

  /** Delivers every tick that fell due on {@code cpu} up to its current time. */
  void poll(int cpu) {
    while (machine.cycles(cpu) >= next[cpu]) {
      next[cpu] += period;
      ticks.inc();
      machine.kernelEntry(cpu);
      machine.timerInterrupt(cpu);
      machine.charge(cpu, KernelCosts.TICK);
    }
  }
}
