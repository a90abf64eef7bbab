package io.asisim.sim.kernel;

import io.asisim.api.machine.Machine;

/**
 * {@code wait4()} (kernel/exit.c {@code do_wait()}) and the parent's side of a child's exit
 * ({@code exit_notify()} → {@code do_notify_parent()} → {@code __wake_up_parent()}). A parent with
 * a zombie child reaps it at once ({@code wait_task_zombie()}); one with live children only sleeps
 * in {@code TASK_INTERRUPTIBLE} until a child exits, which wakes it and the wait completes. The
 * child's pid is freed at its exit (the zombie's mm and files are gone by then; only the exit
 * count waits for the parent), so pids are reused earlier than the kernel would.
 */
final class Wait {
  /** {@link #wait4} result: a zombie child was reaped, the call returns at once. */
  static final int REAPED = 1;
  /** {@link #wait4} result: the caller sleeps until a child exits. */
  static final int BLOCKED = 0;
  /** {@link #wait4} result: {@code -ECHILD}, no children. */
  static final int NO_CHILD = -1;

  private final Machine machine;
  private final TaskTable tasks;
  private final Sched sched;

  Wait(Machine machine, TaskTable tasks, Sched sched) {
    this.machine = machine;
    this.tasks = tasks;
    this.sched = sched;
  }

  /** {@code wait4(-1, ...)} by {@code pid} on {@code cpu}: {@link #REAPED}, {@link #BLOCKED} or {@link #NO_CHILD}. */
  int wait4(int cpu, int pid) {
    if (tasks.exitedChildren(pid) > 0) {
      tasks.reapChild(pid);
      machine.charge(cpu, KernelCosts.WAIT_REAP);
      return REAPED;
    }
    if (tasks.liveChildren(pid) == 0) {
      return NO_CHILD;
    }
    sched.block(cpu, pid, TaskTable.WAIT_CHILD);
    return BLOCKED;
  }

  /**
   * {@code exit_notify()} of {@code child} dying on {@code cpu}: its children go to init, its
   * parent gets a zombie and, if it sleeps in {@code wait4()}, is woken and reaps it.
   */
  void exitNotify(int cpu, int child) {
    tasks.reparentChildren(child);
    int parent = tasks.parent(child);
    if (parent == TaskTable.NO_PARENT || !tasks.alive(parent)) {
      return;
    }
    tasks.childExited(parent);
    if (tasks.state(parent) == TaskTable.WAIT_CHILD) {
      tasks.reapChild(parent);
      sched.wake(cpu, parent, KernelCosts.WAIT_REAP);
    }
  }
}
