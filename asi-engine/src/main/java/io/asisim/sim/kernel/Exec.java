package io.asisim.sim.kernel;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;

/**
 * Program execution (fs/exec.c): {@code execve()} builds a new mm, {@code exec_mmap()} switches the
 * CPU to it (leaving the old mm's restricted space) and drops the old one; the new image starts
 * with one faulted-in anonymous page, the process's I/O buffer.
 */
final class Exec {
  private final Machine machine;
  private final AddressSpaces as;
  private final TaskTable tasks;
  private final Sched sched;
  private final Mmap mmap;
  private final Memory memory;
  private final Counter oomEvents;
  private final int siteExec;

  Exec(Machine machine, TaskTable tasks, Sched sched, Mmap mmap, Memory memory, KernelCounters counters,
      int siteExec) {
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.tasks = tasks;
    this.sched = sched;
    this.mmap = mmap;
    this.memory = memory;
    this.oomEvents = counters.oomEvents();
    this.siteExec = siteExec;
  }

  /**
   * {@code execve()} by {@code pid} on {@code cpu}. False if the task must be killed: past the point
   * of no return the new image could not be set up (the kernel sends SIGSEGV/SIGKILL). An
   * {@code -ENOMEM} before that point leaves the task running its old image (true).
   */
  boolean exec(int cpu, int pid) {
    MmState old = tasks.mm(pid);
    long mm = as.mmCreate(cpu);
    if (mm < 0) {
      oomEvents.inc(); // execve() fails with -ENOMEM before the point of no return: the caller goes on
      return true;
    }
    machine.charge(cpu, KernelCosts.EXEC_BASE);
    // exec_mmap(): the CPU switches to the new mm; the restricted space of the old one goes away
    sched.switchMm(cpu, mm, siteExec);
    tasks.setMm(pid, new MmState(mm));
    mmap.exitMmap(cpu, old);
    return setUpBuffer(cpu, pid);
  }

  /** Maps and faults in the process's I/O buffer page; false if memory ran out. */
  boolean setUpBuffer(int cpu, int pid) {
    MmState m = tasks.mm(pid);
    m.bufVa = m.take(1);
    return memory.anonFault(cpu, m, m.bufVa);
  }
}
