package io.asisim.sim.kernel;

import static io.asisim.sim.kernel.TaskTable.NO_TASK;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.Cost;
import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;

/**
 * Scheduling (kernel/sched/core.c) and kernel entry: the one {@link #contextSwitch} routine every
 * task change goes through, the mm switch with the ASI exit it needs ({@link #switchMm}, also used by
 * exec and by lazy-TLB cleanup), system-call entry and the return to user space.
 *
 * <p>ASI: the CPU enters the restricted address space on return to user
 * ({@code asi_enter_userspace()}), stays there through system calls until kernel code touches
 * sensitive memory, and exits on a switch as the {@code ContextSwitchPolicy} says; the restricted
 * space belongs to an mm, so a change of mm always leaves it.
 */
final class Sched {
  private final Machine machine;
  private final AddressSpaces as;
  private final AsiOps asi;
  private final TaskTable tasks;
  private final AsiPlugins plugins;
  private final Counter syscalls;
  private final Counter contextSwitches;
  private final long syscallCost;
  private final int siteContextSwitch;

  Sched(Machine machine, TaskTable tasks, AsiPlugins plugins, KernelCounters counters, int siteContextSwitch) {
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.asi = machine.asi();
    this.tasks = tasks;
    this.plugins = plugins;
    this.syscalls = counters.syscalls();
    this.contextSwitches = counters.contextSwitches();
    this.syscallCost = machine.profile().get(Cost.SYSCALL);
    this.siteContextSwitch = siteContextSwitch;
  }

  /** Syscall or fault entry for {@code pid}: runs it on its CPU, switching to it if needed. */
  int enter(int pid) {
    tasks.check(pid);
    int cpu = tasks.cpu(pid);
    if (switchTo(cpu, pid)) {
      // the task was preempted in user mode (or is new from fork/spawn): it resumes through the
      // return to user space, asi_enter_userspace(), before it can make this system call
      returnToUser(cpu);
    }
    syscalls.inc();
    machine.charge(cpu, syscallCost);
    return cpu;
  }

  /** Return to user space: {@code asi_enter_userspace()}. */
  void returnToUser(int cpu) {
    asi.asiEnter(cpu);
  }

  /** {@code schedule()} on {@code cpu} picking {@code pid}; false if it was already running there. */
  boolean switchTo(int cpu, int pid) {
    if (tasks.current(cpu) == pid) {
      return false;
    }
    contextSwitch(cpu, pid, tasks.mm(pid).mm);
    return true;
  }

  /**
   * {@code context_switch()}: from the task running on {@code cpu} to {@code next}, a pid or
   * {@link TaskTable#NO_TASK} for the idle task or a kernel thread. {@code nextMm} is the next
   * task's mm; a task without one borrows the loaded mm ({@code enter_lazy_tlb()}: pass
   * {@code as.loadedMm(cpu)}), unless the previous mm must not be kept (a dying task:
   * {@link AddressSpaces#INIT_MM}). The steps, in the kernel's order: scheduler bookkeeping,
   * {@code prepare_task_switch()} ({@code kmap_local_sched_out()}), {@code switch_mm_irqs_off()}
   * with the ASI exit ({@link #switchMm}), then {@code finish_task_switch()}
   * ({@code kmap_local_sched_in()}).
   */
  void contextSwitch(int cpu, int next, long nextMm) {
    int prev = tasks.current(cpu);
    contextSwitches.inc();
    machine.charge(cpu, KernelCosts.CONTEXT_SWITCH);
    if (asi.enabled() && prev != NO_TASK) {
      plugins.schedOut(cpu, prev); // e.g. kmap_local: __kmap_local_sched_out()
    }
    switchMm(cpu, nextMm, siteContextSwitch);
    tasks.setCurrent(cpu, next);
    if (asi.enabled() && next != NO_TASK) {
      plugins.schedIn(cpu, next);
    }
  }

  /**
   * {@code switch_mm_irqs_off()} to {@code nextMm} (nothing when it is already loaded), preceded by
   * the ASI exit: a change of mm always leaves the restricted space (it belongs to the previous mm);
   * staying in the same mm exits only if the context-switch policy says so. The exit is attributed
   * to {@code site}.
   */
  void switchMm(int cpu, long nextMm, int site) {
    long prevMm = as.loadedMm(cpu);
    if (prevMm != AddressSpaces.INIT_MM && (prevMm != nextMm || plugins.cs().mustExit(prevMm, nextMm))) {
      asi.asiExit(cpu, AsiExitReason.CONTEXT_SWITCH, site);
    }
    as.switchMm(cpu, nextMm);
  }

  /** The running task leaves {@code cpu} (migration, or a dying task): a switch to the idle task. */
  void switchToIdle(int cpu, boolean keepMm) {
    contextSwitch(cpu, NO_TASK, keepMm ? as.loadedMm(cpu) : AddressSpaces.INIT_MM);
  }

  /**
   * A kernel thread (e.g. a kworker) runs one unit of work on {@code cpu}, borrowing the loaded mm
   * ({@code active_mm}): two switches within one mm, then the interrupted task resumes in user mode.
   */
  void runKthread(int cpu) {
    int prev = tasks.current(cpu);
    long mm = as.loadedMm(cpu);
    contextSwitch(cpu, NO_TASK, mm);
    machine.charge(cpu, KernelCosts.KTHREAD_WORK);
    contextSwitch(cpu, prev, mm);
    if (prev != NO_TASK) {
      returnToUser(cpu);
    }
  }

  /** Moves {@code pid} to {@code cpu} ({@code set_task_cpu()}); it leaves its old CPU if running there. */
  void migrate(int pid, int cpu) {
    tasks.check(pid);
    if (cpu < 0 || cpu >= tasks.nrCpus()) {
      throw new IllegalArgumentException("cpu " + cpu + " out of range 0.." + (tasks.nrCpus() - 1));
    }
    int from = tasks.cpu(pid);
    if (from == cpu) {
      return;
    }
    if (tasks.current(from) == pid) {
      switchToIdle(from, true);
    }
    tasks.setCpu(pid, cpu);
  }

  /**
   * {@code cleanup_lazy_tlbs()} before an mm is freed: every CPU still holding {@code mm} loaded
   * (lazily, from idle, or running its task) switches to {@code init_mm}.
   */
  void leaveLazyMm(long mm) {
    for (int c = 0; c < tasks.nrCpus(); c++) {
      if (as.loadedMm(c) == mm) {
        switchMm(c, AddressSpaces.INIT_MM, siteContextSwitch);
        int cur = tasks.current(c);
        if (cur != NO_TASK && tasks.mm(cur) != null && tasks.mm(cur).mm == mm) {
          tasks.setCurrent(c, NO_TASK);
        }
      }
    }
  }

  /** {@code select_task_rq()} stand-in: the CPU with the least simulated time. */
  int leastLoadedCpu() {
    int best = 0;
    for (int c = 1; c < tasks.nrCpus(); c++) {
      if (machine.cycles(c) < machine.cycles(best)) {
        best = c;
      }
    }
    return best;
  }
}
