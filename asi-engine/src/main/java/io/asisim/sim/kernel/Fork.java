package io.asisim.sim.kernel;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.metrics.Counter;
import io.asisim.sim.util.LongLongMap;

/**
 * Process creation (kernel/fork.c): {@code kernel_clone()} with {@code dup_mmap()}, which shares
 * every anonymous page copy-on-write ({@code copy_present_pte()} write-protects the parent's PTE
 * too and bumps the page's mapcount) and then flushes the parent ({@code flush_tlb_mm(oldmm)});
 * and the spawn of a new process with an empty mm (fork + exec of an init-like parent, charged
 * together); and {@code vfork()} / {@code clone(CLONE_VM|CLONE_VFORK)} (glibc {@code posix_spawn()}),
 * where {@code copy_mm()} only takes a reference on the parent's mm ({@code mmget()}, no
 * {@code dup_mmap()}: no page-table copy, no copy-on-write) and the parent waits until the child
 * execs or exits ({@code wait_for_vfork_done()}); and a new thread ({@code CLONE_VM|CLONE_FILES|
 * CLONE_THREAD}, glibc {@code pthread_create()}), which shares the mm and the descriptor table.
 *
 * <p>File mappings are inherited by a fork (every VMA is copied) but their page-cache PTEs are not:
 * the child faults them in again (Linux copies them only for VMAs with anonymous pages,
 * {@code vma_needs_copy()}).
 */
final class Fork {
  private final Machine machine;
  private final AddressSpaces as;
  private final TlbOps tlb;
  private final TaskTable tasks;
  private final MapCount mapCount;
  private final Sched sched;
  private final Counter forks;
  private final Counter oomEvents;
  private final KernelSlab slab;

  private final HugeMemory huge;
  private final Khugepaged khugepaged;

  Fork(Machine machine, TaskTable tasks, MapCount mapCount, Sched sched, KernelCounters counters, KernelSlab slab,
      HugeMemory huge, Khugepaged khugepaged) {
    this.huge = huge;
    this.khugepaged = khugepaged;
    this.slab = slab;
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.tlb = machine.tlb();
    this.tasks = tasks;
    this.mapCount = mapCount;
    this.sched = sched;
    this.forks = counters.forks();
    this.oomEvents = counters.oomEvents();
  }

  /** A new process with an empty mm on {@code cpu}, switched to; its pid, or -1 if no mm could be made. */
  int spawn(int cpu) {
    long mm = as.mmCreate(cpu);
    if (mm < 0) {
      oomEvents.inc();
      return -1;
    }
    int pid = tasks.allocPid();
    MmState m = new MmState(mm);
    slab.taskCreated(cpu, pid, true);
    slab.mmCreated(cpu, m);
    tasks.install(pid, m, cpu, FilesStruct.empty());
    machine.charge(cpu, KernelCosts.FORK_BASE + KernelCosts.EXEC_BASE);
    sched.switchTo(cpu, pid);
    return pid;
  }

  /** {@code fork()} of {@code parent} (running on {@code cpu}); the child's pid, or -1 ({@code -ENOMEM}). */
  int fork(int cpu, int parent) {
    forks.inc();
    MmState p = tasks.mm(parent);
    long mm = as.mmCreate(cpu);
    if (mm < 0) {
      oomEvents.inc();
      return -1;
    }
    int child = tasks.allocPid();
    MmState c = new MmState(mm);
    c.nextVa = p.nextVa;
    c.bufVa = p.bufVa;
    slab.taskCreated(cpu, child, true);
    tasks.install(child, c, cpu, dupFiles(parent));
    c.vmas.copyFrom(p.vmas);
    slab.mmCreated(cpu, c); // dup_mm(): allocate_mm(), then dup_mmap() -> vm_area_dup() per VMA
    machine.charge(cpu, KernelCosts.FORK_BASE);
    if (p.anonVmas.size() > 0) {
      c.anonVmas.copyFrom(p.anonVmas);
    }
    khugepaged.fork(cpu, p, c); // dup_mmap() -> khugepaged_fork()
    // copy_present_pte(): share every anonymous page read-only, parent and child
    LongLongMap a = p.anon;
    for (int i = 0; i < a.capacity(); i++) {
      if (!a.used(i)) {
        continue;
      }
      long va = a.keyAt(i);
      long pfn = a.valueAt(i) & MmState.PFN_MASK;
      if (HugeMemory.isHuge(a.valueAt(i))) {
        // copy_huge_pmd(): once per huge page, at its first page
        if ((va & (HugeMemory.HPAGE_PMD_SIZE - 1)) == 0 && !huge.copy(cpu, p, c, va)) {
          oomEvents.inc();
          break;
        }
        machine.charge(cpu, KernelCosts.FORK_PER_PAGE);
        continue;
      }
      if (!as.mapUser(cpu, mm, va, pfn, false)) {
        oomEvents.inc();
        break;
      }
      c.putAnon(va, pfn);
      if ((a.valueAt(i) & MmState.WRITABLE) != 0) {
        as.mapUser(cpu, p.mm, va, pfn, false);
        p.putAnon(va, pfn);
      }
      mapCount.dup(pfn);
      long head = mapCount.folioOf(pfn);
      if (head >= 0) {
        mapCount.folioMapped(head, 1); // a PTE-mapped page of a THP folio
      }
      machine.charge(cpu, KernelCosts.FORK_PER_PAGE);
    }
    // dup_mmap() -> flush_tlb_mm(oldmm): write-protected PTEs must not stay writable in any TLB
    tlb.flushMmRange(cpu, p.mm, 0, Mmap.ALL_PAGES);
    copyProcess(parent, child);
    // wake_up_new_task() -> select_task_rq(): placed after the copy, by the clocks it left
    tasks.setCpu(child, sched.leastLoadedCpu());
    return child;
  }

  /**
   * {@code vfork()} of {@code parent} (running on {@code cpu}): {@code kernel_clone()} with
   * {@code CLONE_VM|CLONE_VFORK}. The child shares the parent's mm ({@code copy_mm()} →
   * {@code mmget()}: {@code mm_users} + 1, the same page tables, nothing write-protected, no
   * flush) and a copy of its descriptor table; the parent then sleeps in
   * {@code wait_for_vfork_done()} until the child's {@code mm_release()} (exec or exit):
   * {@link MmState#vforkWaiting} is true for it meanwhile, and its CPU switches to the idle task
   * (keeping the mm loaded lazily, so a child placed there runs without a CR3 write). The fixed
   * part charged is fork's ({@code KernelCosts.FORK_BASE}: task, files, signal; estimate).
   *
   * @return the child's pid
   */
  int vfork(int cpu, int parent) {
    forks.inc();
    MmState p = tasks.mm(parent);
    int child = tasks.allocPid();
    slab.taskCreated(cpu, child, true); // CLONE_VM|CLONE_VFORK without CLONE_SIGHAND
    tasks.install(child, p, cpu, dupFiles(parent));
    p.users++; // mmget()
    p.vforkBorrow(parent, child);
    copyProcess(parent, child);
    machine.charge(cpu, KernelCosts.FORK_BASE);
    tasks.setCpu(child, sched.leastLoadedCpu());
    // wait_for_vfork_done() -> schedule(): the parent sleeps until the child's mm_release()
    sched.block(cpu, parent, TaskTable.WAIT_VFORK);
    return child;
  }

  /**
   * {@code clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD)} by {@code pid} (running
   * on {@code cpu}): {@code copy_mm()} only takes a reference ({@code mmget()}), {@code copy_files()}
   * shares the table, and the new task joins the thread group; {@code wake_up_new_task()} places it
   * on the least-loaded CPU. Nothing is write-protected and nothing is flushed. The fixed part
   * charged is fork's ({@code KernelCosts.FORK_BASE}, an estimate that also covers a thread's
   * task_struct, stack and signal setup).
   *
   * @return the new thread's pid
   */
  int cloneThread(int cpu, int pid) {
    forks.inc(); // total_forks counts every copy_process()
    MmState m = tasks.mm(pid);
    int thread = tasks.allocPid();
    slab.taskCreated(cpu, thread, false); // CLONE_SIGHAND: the sighand_struct is shared
    tasks.install(thread, m, cpu, tasks.sharedFiles(pid));
    tasks.joinThreadGroup(thread, pid); // no real_parent link: nobody wait4()s for a thread
    tasks.setUserWorkingSet(thread, tasks.userDataPages(pid), tasks.userTextPages(pid));
    tasks.setUserCacheFill(thread, tasks.userCacheFill(pid));
    m.users++; // mmget()
    machine.charge(cpu, KernelCosts.FORK_BASE);
    tasks.setCpu(thread, sched.leastLoadedCpu());
    return thread;
  }

  /** {@code dup_fd()}: the copy of {@code parent}'s table, with a reference on each open file. */
  private FilesStruct dupFiles(int parent) {
    FilesStruct f = tasks.dupFiles(parent);
    slab.filesDuplicated(f);
    return f;
  }

  /**
   * What {@code copy_process()} sets up for a new process: its {@code real_parent} (for
   * {@code wait4()} and {@code exit_notify()}) and, the program being the same until exec, the
   * parent's user working set.
   */
  private void copyProcess(int parent, int child) {
    tasks.setParent(child, parent);
    tasks.setUserWorkingSet(child, tasks.userDataPages(parent), tasks.userTextPages(parent));
    tasks.setUserCacheFill(child, tasks.userCacheFill(parent));
  }
}
