package io.asisim.sim.kernel;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;

/**
 * Program execution (fs/exec.c): {@code execve()} builds a new mm, {@code exec_mmap()} switches the
 * CPU to it (leaving the old mm's restricted space), releases the old one ({@code exec_mm_release()}
 * → {@code mm_release()}: a {@code vfork()} child's parent stops waiting) and drops it
 * ({@code mmput()}: torn down only if this was its last user); {@code load_elf_binary()} maps the
 * program's text privately from its file at {@link MmState#TEXT_BASE} (no page is touched: the
 * text faults in as it runs); the new image starts with one faulted-in anonymous page, the
 * process's I/O buffer.
 */
final class Exec {
  /** The most text pages that fit between {@link MmState#TEXT_BASE} and {@link MmState#USER_BASE}. */
  static final long MAX_TEXT_PAGES = (MmState.USER_BASE - MmState.TEXT_BASE) >>> 12;

  private final Machine machine;
  private final AddressSpaces as;
  private final TaskTable tasks;
  private final Sched sched;
  private final Mmap mmap;
  private final Memory memory;
  private final Exit exit;
  private final Counter oomEvents;
  private final int siteExec;
  private final KernelSlab slab;

  Exec(Machine machine, TaskTable tasks, Sched sched, Mmap mmap, Memory memory, Exit exit,
      KernelCounters counters, int siteExec, KernelSlab slab) {
    this.slab = slab;
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.tasks = tasks;
    this.sched = sched;
    this.mmap = mmap;
    this.memory = memory;
    this.exit = exit;
    this.oomEvents = counters.oomEvents();
    this.siteExec = siteExec;
  }

  /**
   * {@code execve()} by {@code pid} on {@code cpu} of a program whose text is the first
   * {@code textPages} pages of {@code file} ({@code file < 0}: no text mapping). False if the task
   * must be killed: past the point of no return the new image could not be set up (the kernel
   * sends SIGSEGV/SIGKILL). An {@code -ENOMEM} before that point leaves the task running its old
   * image (true).
   */
  boolean exec(int cpu, int pid, int file, long textPages) {
    if (file >= 0 && (textPages < 1 || textPages > MAX_TEXT_PAGES)) {
      throw new IllegalArgumentException("text must be 1.." + MAX_TEXT_PAGES + " pages, got " + textPages);
    }
    MmState old = tasks.mm(pid);
    long mm = as.mmCreate(cpu);
    if (mm < 0) {
      oomEvents.inc(); // execve() fails with -ENOMEM before the point of no return: the caller goes on
      return true;
    }
    machine.charge(cpu, KernelCosts.EXEC_BASE);
    // exec_mmap(): the CPU switches to the new mm; the restricted space of the old one goes away
    sched.switchMm(cpu, mm, siteExec);
    MmState m = new MmState(mm);
    slab.mmCreated(cpu, m); // bprm_mm_init(): mm_alloc(); the stack and anonymous VMAs
    tasks.setMm(pid, m);
    mmap.exitMm(cpu, pid, old);
    if (file >= 0) {
      memory.fileFault().mmapAt(cpu, m, MmState.TEXT_BASE, file, textPages);
    }
    return setUpBuffer(cpu, pid);
  }

  /**
   * {@code de_thread()}: an exec ends the other threads of the process. Checked before any thread
   * is killed, so an exec that cannot run changes nothing.
   */
  void deThread(int pid) {
    sched.requireRunnable(pid);
    if (!tasks.isThreadGroupLeader(pid)) {
      // the kernel makes the exec'ing thread the leader (it takes over the pid): not modelled
      throw new IllegalArgumentException("exec by thread " + pid + " of process " + tasks.tgid(pid)
          + ": only the thread-group leader can exec here");
    }
    exit.zapOtherThreads(pid);
  }

  /**
   * {@code execve()} of a missing path ({@link KernelCosts#EXEC_ENOENT}): {@code do_open_execat()}
   * fails before anything of the process changes.
   */
  void execMissing(int cpu) {
    machine.charge(cpu, KernelCosts.EXEC_ENOENT);
  }

  /** Maps and faults in the process's I/O buffer page; false if memory ran out. */
  boolean setUpBuffer(int cpu, int pid) {
    MmState m = tasks.mm(pid);
    m.bufVa = m.take(1);
    return memory.anonFault(cpu, m, m.bufVa);
  }
}
