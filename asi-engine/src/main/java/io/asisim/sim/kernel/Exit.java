package io.asisim.sim.kernel;

import io.asisim.api.machine.Machine;

/**
 * Process exit (kernel/exit.c): {@code do_exit()} closes the files ({@code exit_files()}), the CPU
 * switches to the idle task and off the dying mm ({@code do_task_dead()}), the mm is torn down
 * ({@code exit_mm()} → {@code mmput()} → {@code exit_mmap()}) and the pid is freed.
 */
final class Exit {
  private final Machine machine;
  private final TaskTable tasks;
  private final FileMap files;
  private final Sched sched;
  private final Mmap mmap;

  Exit(Machine machine, TaskTable tasks, FileMap files, Sched sched, Mmap mmap) {
    this.machine = machine;
    this.tasks = tasks;
    this.files = files;
    this.sched = sched;
    this.mmap = mmap;
  }

  /** {@code do_exit()} of {@code pid}, running on {@code cpu}. */
  void exit(int cpu, int pid) {
    machine.charge(cpu, KernelCosts.EXIT_BASE);
    MmState m = tasks.mm(pid);
    files.exitFiles(cpu, pid);
    sched.switchToIdle(cpu, false);
    mmap.exitMmap(cpu, m);
    tasks.release(pid);
  }
}
