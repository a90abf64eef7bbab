package io.asisim.sim.kernel;

import io.asisim.api.machine.Machine;

/**
 * Signal handlers (kernel/signal.c): only {@code rt_sigaction()} → {@code do_sigaction()} is
 * modelled, as its measured cost ({@link KernelCosts#SIGACTION}): no signal is ever delivered in
 * the simulation (docs/deviations.md), so the handler table itself is not kept. A build's processes
 * call it about 65 times per exec (glibc's {@code posix_spawn()} resets every handler in the child,
 * dash installs its own).
 */
final class Signal {
  private final Machine machine;

  Signal(Machine machine) {
    this.machine = machine;
  }

  /** {@code do_sigaction()} on {@code cpu}. */
  void sigaction(int cpu) {
    machine.charge(cpu, KernelCosts.SIGACTION);
  }
}
