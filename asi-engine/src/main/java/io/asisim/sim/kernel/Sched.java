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
  private final Counter wakeups;
  private final Counter userCycles;
  private final long syscallCost;
  private final int siteContextSwitch;
  private final Tick tick;
  private final Timers timers;
  private final ColdEntry cold;
  /** Switch sequence number: orders the runqueue (the task switched out longest ago runs first). */
  private long switchSeq;
  /** A kworker's unit of work (allocated once: the hot path allocates nothing). */
  private final java.util.function.IntConsumer kworkerItem;

  Sched(Machine machine, TaskTable tasks, AsiPlugins plugins, KernelCounters counters, int siteContextSwitch) {
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.asi = machine.asi();
    this.tasks = tasks;
    this.plugins = plugins;
    this.syscalls = counters.syscalls();
    this.contextSwitches = counters.contextSwitches();
    this.wakeups = counters.wakeups();
    this.userCycles = counters.userCycles();
    this.syscallCost = machine.profile().get(Cost.SYSCALL);
    this.siteContextSwitch = siteContextSwitch;
    this.tick = new Tick(machine, counters.ticks());
    this.timers = new Timers();
    this.cold = new ColdEntry(machine, tasks.nrCpus(), counters.coldEntryCycles());
    this.kworkerItem = c -> machine.charge(c, KernelCosts.KTHREAD_WORK);
  }

  /** Syscall or fault entry for {@code pid}: runs it on its CPU, switching to it if needed. */
  int enter(int pid) {
    if (tasks.inKvmRun(pid)) {
      throw new IllegalStateException("pid " + pid + " is inside KVM_RUN: only kvmRun may run it until it returns");
    }
    int cpu = resume(pid);
    syscalls.inc();
    machine.charge(cpu, syscallCost);
    machine.kernelEntry(cpu); // entry_SYSCALL_64 / asm_exc_page_fault: the kernel footprint's TLB refill
    cold.entered(cpu);
    return cpu;
  }

  /**
   * {@code pid} runs in user mode on its CPU: if another task (or idle) was running there, the task
   * was preempted in user mode (or is new from fork/spawn) and resumes through the return to user
   * space ({@code asi_enter_userspace()}); ticks that fell due meanwhile are delivered.
   */
  private int resume(int pid) {
    requireRunnable(pid);
    int cpu = tasks.cpu(pid);
    if (switchTo(cpu, pid)) {
      returnToUser(cpu);
    }
    pollTimers(cpu);
    tasks.noteTaskStep(cpu);
    return cpu;
  }

  /** {@code pid} is alive and runnable (not asleep in a wait): a workload may run it. */
  void requireRunnable(int pid) {
    tasks.check(pid);
    if (tasks.state(pid) != TaskTable.RUNNABLE) {
      throw new IllegalStateException("process " + pid + " is blocked (state " + tasks.state(pid)
          + ") and cannot run until it is woken");
    }
  }

  /**
   * User code of {@code pid} runs for {@code cycles} on its CPU with the task's user working set
   * ({@code Machine.runUser}: the refill of what a flush removed is charged there); the timer ticks
   * of that time are delivered afterwards (each an interrupt from user mode, handled restricted).
   */
  void runUser(int pid, long cycles) {
    if (cycles < 0) {
      throw new IllegalArgumentException("negative user cycles " + cycles);
    }
    int cpu = resume(pid);
    long before = machine.cycles(cpu);
    machine.runUser(cpu, cycles, tasks.userDataPages(pid), tasks.userTextPages(pid));
    userCycles.add(machine.cycles(cpu) - before);
    cold.userRan(cpu, cycles, tasks.userCacheFill(pid));
    pollTimers(cpu);
  }

  /**
   * At a user-mode boundary of {@code cpu}: the ticks that fell due by its clock, then the kernel
   * timers ({@link Timers}: kcompactd's and khugepaged's wake-ups, which run kernel threads).
   */
  private void pollTimers(int cpu) {
    tick.poll(cpu);
    timers.run(cpu, machine.cycles(cpu));
  }

  /** The kernel's timers, run at user-mode boundaries after the ticks. */
  Timers timers() {
    return timers;
  }

  /**
   * Cycles of a timeout of {@code millis}: {@code msecs_to_jiffies()} (rounded up to whole jiffies
   * at {@code CONFIG_HZ=250}: 1 ms is 4 ms) times a tick.
   */
  long msecsToCycles(long millis) {
    return (millis * KernelCosts.HZ + 999) / 1000 * tick.period();
  }

  /** The cold-entry rule: faults and path walks charge it after {@link #enter}. */
  ColdEntry cold() {
    return cold;
  }

  /** The tick source (tests read its period). */
  Tick tick() {
    return tick;
  }

  /**
   * The running task {@code pid} on {@code cpu} sleeps in {@code state}
   * ({@code set_current_state()} + {@code schedule()}): the CPU runs the runnable task of its
   * runqueue that has waited longest (which resumes in user mode), else the idle task, which
   * keeps the sleeper's mm loaded ({@code enter_lazy_tlb()}).
   */
  void block(int cpu, int pid, int state) {
    tasks.setState(pid, state);
    schedule(cpu, true);
  }

  /**
   * {@code __schedule()} on {@code cpu} after its task stopped running: the next runnable task, or
   * idle ({@code keepMm}: lazily keeping the loaded mm; a dying task's CPU goes to {@code init_mm}).
   */
  void schedule(int cpu, boolean keepMm) {
    int next = pickNext(cpu);
    if (next == NO_TASK) {
      switchToIdle(cpu, keepMm);
      return;
    }
    contextSwitch(cpu, next, tasks.mm(next).mm);
    returnToUser(cpu); // it was preempted in user mode
  }

  /**
   * {@code pick_next_task()} stand-in: of the runnable tasks placed on {@code cpu} and not running,
   * the one switched out longest ago (CFS's smallest vruntime when all run alike); lowest pid on a tie.
   */
  int pickNext(int cpu) {
    int best = NO_TASK;
    for (int pid = 0; pid < tasks.pidLimit(); pid++) {
      if (tasks.alive(pid) && tasks.cpu(pid) == cpu && tasks.state(pid) == TaskTable.RUNNABLE
          && tasks.current(cpu) != pid && (best == NO_TASK || tasks.lastRan(pid) < tasks.lastRan(best))) {
        best = pid;
      }
    }
    return best;
  }

  /**
   * {@code try_to_wake_up()} of {@code pid} by code running on {@code wakerCpu}: it becomes
   * runnable on its CPU ({@code select_task_rq()} keeps the previous CPU). {@code resumeCost} is
   * the rest of the system call it slept in (charged to its CPU). If that CPU is idle, the
   * reschedule IPI makes the idle task switch to it at once and it returns to user space; a busy
   * CPU runs it when it is next picked or preempts the current task.
   */
  void wake(int wakerCpu, int pid, long resumeCost) {
    if (tasks.state(pid) == TaskTable.RUNNABLE) {
      return;
    }
    wakeups.inc();
    machine.charge(wakerCpu, KernelCosts.WAKEUP);
    tasks.setState(pid, TaskTable.RUNNABLE);
    int cpu = tasks.cpu(pid);
    machine.charge(cpu, resumeCost);
    if (tasks.current(cpu) == NO_TASK) {
      if (cpu != wakerCpu) {
        machine.kernelEntry(cpu); // the reschedule IPI (smp_send_reschedule()) wakes the idle CPU
      }
      contextSwitch(cpu, pid, tasks.mm(pid).mm);
      returnToUser(cpu);
    }
  }

  /**
   * Return to user space: {@code asi_enter_userspace()}. A task inside {@code KVM_RUN} (a vCPU
   * switched back in after a halt) resumes in the kernel instead: it enters its guest's domain at
   * its next VM entry ({@link Kvm}).
   */
  void returnToUser(int cpu) {
    int pid = tasks.current(cpu);
    if (pid != NO_TASK && tasks.inKvmRun(pid)) {
      return;
    }
    asi.asiEnter(cpu);
  }

  /**
   * {@code pid}, inside {@code KVM_RUN}, runs on its CPU again (switched in if another task ran
   * there); ticks that fell due are delivered. Its CPU.
   */
  int resumeInKernel(int pid) {
    requireRunnable(pid);
    int cpu = tasks.cpu(pid);
    switchTo(cpu, pid);
    pollTimers(cpu);
    tasks.noteTaskStep(cpu);
    return cpu;
  }

  /** The return of a system call that may sleep: to user space unless {@code pid} went to sleep in it (its CPU switched). */
  void returnToUserUnlessAsleep(int cpu, int pid) {
    if (tasks.current(cpu) == pid) {
      returnToUser(cpu);
    }
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
    if (prev != NO_TASK) {
      tasks.setLastRan(prev, ++switchSeq);
    }
    contextSwitches.inc();
    machine.charge(cpu, KernelCosts.CONTEXT_SWITCH);
    if (asi.enabled() && prev != NO_TASK) {
      plugins.schedOut(cpu, prev); // e.g. kmap_local: __kmap_local_sched_out()
    }
    switchMm(cpu, nextMm, siteContextSwitch);
    // enter_lazy_tlb(): a task without an mm (idle, kthread) borrows the loaded one
    setLazyTlb(cpu, next == NO_TASK && nextMm != AddressSpaces.INIT_MM);
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

  /**
   * The one place a CPU enters or leaves lazy-TLB mode ({@code enter_lazy_tlb()} sets
   * {@code cpu_tlbstate_shared.is_lazy}; {@code switch_mm_irqs_off()} clears it). A lazy CPU keeps
   * the previous mm loaded but runs no user code of it, so {@code native_flush_tlb_multi()} may
   * skip it and flush at its next switch back. The flag lives in the machine's TLB state.
   */
  private void setLazyTlb(int cpu, boolean isLazy) {
    machine.tlb().setLazy(cpu, isLazy);
  }

  /** Whether {@code cpu} is in lazy-TLB mode (idle or a kthread on a borrowed mm). */
  boolean isLazy(int cpu) {
    return machine.tlb().isLazy(cpu);
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
    runKthread(cpu, kworkerItem, true);
  }

  /**
   * A kernel thread (a kworker item, kswapd's {@code balance_pgdat()}) runs {@code work} on
   * {@code cpu} on the borrowed mm, then the CPU goes back to what it ran; {@code resumeUser}: that
   * task was in user mode and returns there ({@code false} when it is in the middle of a system call).
   */
  void runKthread(int cpu, java.util.function.IntConsumer work, boolean resumeUser) {
    int prev = tasks.current(cpu);
    long mm = as.loadedMm(cpu);
    contextSwitch(cpu, NO_TASK, mm);
    work.accept(cpu);
    contextSwitch(cpu, prev, mm);
    if (prev != NO_TASK && resumeUser) {
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
  /**
   * The least-loaded CPU other than {@code cpu}, the lowest on a tie ({@code cpu} itself on a
   * one-CPU machine): where a kthread the task on {@code cpu} wakes runs ({@code select_task_rq()}).
   */
  int leastLoadedOtherCpu(int cpu) {
    int target = cpu;
    for (int c = 0; c < tasks.nrCpus(); c++) {
      if (c != cpu && (target == cpu || machine.cycles(c) < machine.cycles(target))) {
        target = c;
      }
    }
    return target;
  }

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
