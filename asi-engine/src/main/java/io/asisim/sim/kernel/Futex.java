package io.asisim.sim.kernel;

import io.asisim.api.machine.Machine;

/**
 * Futexes (kernel/futex/waitwake.c): only {@code futex_wake()} finding no waiter is modelled, at an
 * estimated cost ({@link KernelCosts#FUTEX_WAKE}): the simulated programs are single-threaded
 * except for the calibration workloads, and none blocks on a futex (docs/deviations.md).
 */
final class Futex {
  private final Machine machine;

  Futex(Machine machine) {
    this.machine = machine;
  }

  /** {@code futex_wake()} with an empty hash bucket, on {@code cpu}. */
  void wake(int cpu) {
    machine.charge(cpu, KernelCosts.FUTEX_WAKE);
  }
}
