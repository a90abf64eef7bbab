package io.asisim.sim.kernel;

/**
 * Software costs of the simulated kernel that are not hardware operations of the CPU profile. All
 * but {@link #EXEC_BASE}, {@link #EXEC_ENOENT} and {@link #SIGACTION} (derived from the calibration
 * machine's measurements) are estimates (cycles), chosen from the order of magnitude of public measurements and not tuned to any ASI
 * benchmark; hardware parts (CR3 writes, TLB fills, IPIs, page clears and copies,
 * mitigations) are charged separately from the CPU profile.
 */
final class KernelCosts {
  private KernelCosts() {}

  /**
   * Estimate: scheduler bookkeeping of one {@code context_switch()} excluding the CR3 write and TLB
   * effects (lmbench {@code lat_ctx} reports 1-3 us for two processes including those).
   */
  static final long CONTEXT_SWITCH = 1500;

  /** Estimate: per-page work of {@code copy_page_range()} at fork besides the two PTE writes. */
  static final long FORK_PER_PAGE = 60;

  /** Estimate: fixed part of {@code kernel_clone()} (task_struct, mm, files, signal copy). */
  static final long FORK_BASE = 40_000;

  /**
   * Estimate: user time of {@code /bin/true} (ld.so relocating libc, libc start-up): 100 us at the
   * calibration machine's 2596 MHz.
   */
  static final long BIN_TRUE_USER = 260_000;

  /**
   * Derived: fixed part of {@code execve()} and of the exit of the program it starts, excluding
   * faults, the system calls the model issues one by one and the parts charged elsewhere:
   * {@code bprm_execve()} (argument copy, {@code open_exec()}, {@code load_elf_binary()} mapping the
   * program and ld.so), {@code exit_group()}'s {@code do_exit()} beyond {@link #EXIT_BASE}, and the
   * teardown of the VMAs and page tables at exit. The calibration machine's
   * {@code posix_spawn(/bin/true)} + {@code waitpid()} takes 1 447 667 TSC ticks (median,
   * calibration/data/vm-20261201-run2/summary.properties {@code spawn.posix_spawn_bin_true_wait});
   * less {@link #BIN_TRUE_USER}, and less the 779 148 cycles the model charges for everything else
   * of that spawn: SpawnCostTest replays it with this constant at zero (vfork, the 122
   * {@code rt_sigaction()}s of {@code posix_spawn()}'s child, exec, ld.so's and libc's 27 start-up
   * calls as {@code strace -f} lists them, the faults of a coreutils program, exit, wait4; it trips
   * if any other part of the spawn's cost changes). Until the start-up calls were issued one by one
   * (and the file faults, exit teardown and mmap bodies measured, calibration/data/vm-20261202)
   * this constant held them and was 919 509. A KVM guest's figure (page-table updates and first
   * touches of guest memory cost VM exits, which the model does not have), so it overstates bare
   * metal; it carries {@link #BIN_TRUE_USER}'s error.
   */
  static final long EXEC_BASE = 1_447_667 - BIN_TRUE_USER - 779_148;

  /** Estimate: fixed part of process exit ({@code do_exit()}) excluding mm teardown. */
  static final long EXIT_BASE = 20_000;

  /**
   * Derived: {@code execve()} of a path that does not exist, as gcc's and make's {@code PATH}
   * search: {@code do_execveat_common()} → {@code alloc_bprm()} → {@code do_open_execat()}, whose
   * {@code do_filp_open()} fails with {@code -ENOENT}; the bprm (and its empty mm, when the kernel
   * allocates it before the open) is freed. Measured on the development machine
   * ({@code calibration/microbench.c} group kbsys, calibration/data/vm-20261202/summary.properties
   * {@code kbsys.execve_missing_enoent.median_tsc} = 4014), less the system call.
   */
  static final long EXEC_ENOENT = 4014 - 425;

  /**
   * Derived: {@code rt_sigaction()}: {@code do_sigaction()} under {@code siglock}, copying the old
   * and new {@code struct sigaction}. Measured ({@code kbsys.rt_sigaction.median_tsc} = 557, same
   * file), less the system call.
   */
  static final long SIGACTION = 557 - 425;

  /**
   * Estimate: {@code futex(FUTEX_WAKE)} with no waiter: {@code futex_wake()} → {@code get_futex_key()}
   * and a hash-bucket check that finds nobody, about the body of {@link #SIGACTION}. Not measured.
   */
  static final long FUTEX_WAKE = SIGACTION;

  /**
   * {@code migrate_pages()} per page besides the copy, which {@link Highmem#copyPage} charges:
   * isolation, the migration entry, {@code folio_migrate_mapping()}, the new PTE (estimate, below
   * the whole-run figure measured here: docs/calibration.md, "Compaction").
   */
  static final long MIGRATE_PER_PAGE = 2000;

  /** Estimate: reclaim scanning per evicted page ({@code shrink_folio_list()}). */
  static final long RECLAIM_PER_PAGE = 300;

  /** Estimate: a kernel thread's unit of work (e.g. a kworker item) between two switches. */
  static final long KTHREAD_WORK = 3000;

  /**
   * Estimate: one timer tick ({@code tick_sched_timer()} → {@code update_process_times()} →
   * {@code sched_tick()}, plus the local APIC interrupt entry and exit): about 1 us; the
   * machine's kernel-entry refill is charged on top ({@code Machine.kernelEntry}).
   */
  static final long TICK = 3000;

  /** Linux {@code CONFIG_HZ=250} (the x86 defconfig and Debian's kernels): one tick every 4 ms. */
  static final long HZ = 250;

  /**
   * Estimate: {@code try_to_wake_up()} of a sleeping task (runqueue lock, enqueue, preemption
   * check); the calibration's same-CPU pipe round trip (4.8 us for two writes, two reads, two
   * wake-ups and two switches) bounds it well below 1 us.
   */
  static final long WAKEUP = 800;

  /** Estimate: {@code wait4()} reaping one zombie ({@code wait_task_zombie()} → {@code release_task()}). */
  static final long WAIT_REAP = 2000;

  /** Estimate: {@code pipe_write()}/{@code pipe_read()} bookkeeping per buffer besides the page copy. */
  static final long PIPE_BUF = 300;

  /** Estimate: {@code do_pipe2()} (two files, {@code pipe_inode_info}, 16 buffer slots). */
  static final long PIPE_CREATE = 4000;

  /** Estimate: kswapd's {@code balance_pgdat()} round overhead besides the per-page scan. */
  static final long KSWAPD_ROUND = 2000;

  /**
   * Estimate: one PTE (or PMD entry) {@code hpage_collapse_scan_pmd()} looks at: {@code ptep_get()},
   * {@code vm_normal_page()} and the folio's flag and count tests, a few cache-resident loads.
   */
  static final long KHUGEPAGED_PER_PTE = 10;

  /**
   * Estimate: the fixed part of {@code collapse_huge_page()} besides the allocation, the copies,
   * the PTE writes and the flush, which are charged where they happen: {@code mmap_lock} dropped
   * and taken again for writing, the VMA revalidated twice, the mmu notifiers, the anon_vma lock.
   */
  static final long KHUGEPAGED_COLLAPSE = 5000;

  /**
   * Estimate: per present page of a collapse, {@code folio_isolate_lru()} in
   * {@code __collapse_huge_page_isolate()} and the rmap and LRU work of
   * {@code __collapse_huge_page_copy_succeeded()} besides the free.
   */
  static final long KHUGEPAGED_PER_PAGE = 150;

  /**
   * Estimate: {@code __split_huge_page()} of an anonymous THP folio, per subpage: its
   * {@code struct page} flags, mapping and refcount set up as an order-0 page, and the LRU and
   * rmap updates and the remap of its migration entry ({@code remove_migration_pte()}), a few
   * cache lines each; the flushes of {@code unmap_folio()} are charged by the TLB model
   * ({@link HugeSplit}).
   */
  static final long THP_SPLIT_PER_PAGE = 40;
}
