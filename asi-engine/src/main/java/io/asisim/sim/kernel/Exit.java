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
 *
 * <p>Threads: a thread other than the leader only drops its references ({@code exit_files()} and
 * {@code mmput()} of shared objects) and is reaped at once (a non-leader thread is
 * {@code autoreap}ed by {@code exit_notify()}); its children go to init (the kernel would hand
 * them to another thread of the group: not modelled). The leader's exit is {@code exit_group()}:
 * {@code zap_other_threads()}, each thread dying on its own CPU, then the leader.
 */
final class Exit {
  private final Machine machine;
  private final TaskTable tasks;
  private final FileMap files;
  private final Sched sched;
  private final Mmap mmap;
  private final Pipe pipes;
  private final Wait wait;
  private final KernelSlab slab;

  Exit(Machine machine, TaskTable tasks, FileMap files, Sched sched, Mmap mmap, Pipe pipes, Wait wait, KernelSlab slab) {
    this.slab = slab;
    this.machine = machine;
    this.tasks = tasks;
    this.files = files;
    this.sched = sched;
    this.mmap = mmap;
    this.pipes = pipes;
    this.wait = wait;
  }

  /**
   * {@code exit_group()} of {@code pid}'s process when {@code pid} leads it (every other thread
   * first), else {@code exit()} of the thread {@code pid} alone.
   */
  void exitGroup(int pid) {
    tasks.check(pid);
    if (tasks.isThreadGroupLeader(pid)) {
      zapOtherThreads(pid);
    }
    exitTask(pid);
  }

  /**
   * {@code zap_other_threads()} (also {@code de_thread()} in exec): every thread of leader
   * {@code pid}'s process but the leader dies, each on its CPU.
   */
  void zapOtherThreads(int pid) {
    for (int t = tasks.otherThread(pid); t != TaskTable.NO_TASK; t = tasks.otherThread(pid)) {
      exitTask(t);
    }
  }

  /** The fatal signal reaches {@code pid}, which runs {@code do_exit()} on its CPU. */
  private void exitTask(int pid) {
    int state = tasks.state(pid);
    if (state == TaskTable.WAIT_VFORK) {
      tasks.mm(pid).vforkAbandon(pid); // wait_for_vfork_done() is killable; the child wakes nobody
    }
    if (state != TaskTable.RUNNABLE) {
      // a fatal signal ends the sleep (signal_pending() in pipe_read()/do_wait(), killable vfork wait)
      sched.wake(tasks.cpu(pid), pid, 0);
    }
    exit(sched.enter(pid), pid);
  }

  /** {@code do_exit()} of {@code pid}, running on {@code cpu}. */
  void exit(int cpu, int pid) {
    machine.charge(cpu, KernelCosts.EXIT_BASE);
    MmState m = tasks.mm(pid);
    if (tasks.isThreadGroupLeader(pid)) {
      files.exitFiles(cpu, pid);
      pipes.exitPipes(cpu, pid);
      wait.exitNotify(cpu, pid);
    } else {
      tasks.reparentChildren(pid); // the shared table stays open for the group; autoreap
    }
    int next = sched.pickNext(cpu);
    if (next == TaskTable.NO_TASK) {
      // exit_mm() -> enter_lazy_tlb(): an mm other tasks still use stays loaded; the last user's goes
      sched.switchToIdle(cpu, m.users > 1);
    } else {
      sched.contextSwitch(cpu, next, tasks.mm(next).mm);
    }
    mmap.exitMm(cpu, pid, m); // exit_mm(): mm_release() wakes a vfork parent, then mmput()
    slab.taskReleased(cpu, pid);
    tasks.release(pid);
    if (next != TaskTable.NO_TASK) {
      sched.returnToUser(cpu); // it was preempted in user mode
    }
  }
}
