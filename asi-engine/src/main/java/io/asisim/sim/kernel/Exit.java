package io.asisim.sim.kernel;

import io.asisim.api.machine.Machine;

/**
 * Process exit (kernel/exit.c): {@code do_exit()} closes the files ({@code exit_files()}) and the
 * pipes it created, notifies the parent ({@code exit_notify()}: a parent sleeping in
 * {@code wait4()} is woken), the CPU switches off the dying task and its mm
 * ({@code do_task_dead()} → {@code __schedule()}: the next runnable task of the CPU, often the
 * woken parent, else idle on {@code init_mm}), the mm is torn down ({@code mmput()} →
 * {@code exit_mmap()}; here after the switch, where {@code finish_task_switch()} drops the dead
 * mm, so the teardown never runs on a loaded mm) and the pid is freed; then the next task returns
 * to user space.
 */
final class Exit {
  private final Machine machine;
  private final TaskTable tasks;
  private final FileMap files;
  private final Sched sched;
  private final Mmap mmap;
  private final Pipe pipes;
  private final Wait wait;

  Exit(Machine machine, TaskTable tasks, FileMap files, Sched sched, Mmap mmap, Pipe pipes, Wait wait) {
    this.machine = machine;
    this.tasks = tasks;
    this.files = files;
    this.sched = sched;
    this.mmap = mmap;
    this.pipes = pipes;
    this.wait = wait;
  }

  /** {@code do_exit()} of {@code pid}, running on {@code cpu}. */
  void exit(int cpu, int pid) {
    machine.charge(cpu, KernelCosts.EXIT_BASE);
    MmState m = tasks.mm(pid);
    files.exitFiles(cpu, pid);
    pipes.exitPipes(cpu, pid);
    wait.exitNotify(cpu, pid);
    int next = sched.pickNext(cpu);
    if (next == TaskTable.NO_TASK) {
      sched.switchToIdle(cpu, false);
    } else {
      sched.contextSwitch(cpu, next, tasks.mm(next).mm);
    }
    mmap.exitMm(cpu, pid, m); // exit_mm(): mm_release() wakes a vfork parent, then mmput()
    tasks.release(pid);
    if (next != TaskTable.NO_TASK) {
      sched.returnToUser(cpu); // it was preempted in user mode
    }
  }
}
