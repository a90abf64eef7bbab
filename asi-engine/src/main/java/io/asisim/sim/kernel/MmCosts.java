package io.asisim.sim.kernel;

/**
 * Software costs (cycles) of the memory-mapping system calls of mm/mmap.c, mm/vma.c and
 * mm/mprotect.c, and of the per-page part of {@code exit_mmap()}, besides what the model charges
 * separately (the system-call entry {@code Cost.SYSCALL}, TLB flushes, PTE writes, the allocator's
 * frees).
 *
 * <p>Each constant is derived from this project's measurement on its development machine, a Zen 4
 * KVM guest (TSC 2596 MHz, core clock taken equal to the TSC): {@code calibration/microbench.c},
 * group {@code kbsys}, medians in {@code calibration/data/vm-20261202/summary.properties}, minus
 * what the model charges for the same call on the machine's profile
 * ({@code calibration/profiles/kvm-zen4-2vcpu.properties}). {@code KbsysCostTest} replays every
 * measured call on the model and checks the total, so a change anywhere else in what such a call
 * costs trips it. These are guest figures (the guest's page-table updates may cost VM exits), not
 * bare-metal or ASI figures, and none was fitted to a kernel-build result.
 */
final class MmCosts {
  private MmCosts() {}

  /**
   * Derived: {@code mmap(MAP_PRIVATE|MAP_ANONYMOUS)} of an untouched region: {@code do_mmap()} →
   * {@code get_unmapped_area()} and {@code mmap_region()} ({@code vma_merge_new_range()} or a new
   * {@code vm_area_struct}, {@code vma_link()}, the maple-tree store, accounting). Measured
   * {@code kbsys.mmap_anon_8p_untouched.median_tsc} = 3412, less the system call (the profile's
   * {@code syscall}, 425, measured in an earlier sitting as 425 and in this one as 427).
   */
  static final long MMAP = 3412 - 425;

  /**
   * Derived: the fixed part of {@code munmap()}: {@code __do_munmap()} → {@code do_vmi_align_munmap()}
   * (VMA split or detach, {@code vms_complete_munmap_vmas()}: {@code unmap_region()} with
   * {@code free_pgtables()}, {@code remove_vma()}). Measured {@code kbsys.munmap_anon_8p_untouched.median_tsc}
   * = 6476 for a region with no page faulted in, less what the model charges for it: the system call
   * (425; {@code tlb_finish_mmu()} flushes nothing when no PTE was cleared).
   */
  static final long MUNMAP_BASE = 6476 - 425;

  /**
   * Derived: per present anonymous page of a {@code munmap()}, what {@code zap_pte_range()} and the
   * batched free after the flush ({@code tlb_batch_pages_flush()} → {@code free_pages_and_swap_cache()}:
   * rmap removal, LRU removal, memcg uncharge) cost beyond the model's own per-page charges. Measured:
   * {@code munmap.touched_4k_per_page_1thread.median_tsc} = 552 (a 1 MiB region of 256 written
   * pages, calibration/data/vm-20261201-run2/summary.properties; 539 and 548 in the re-runs of
   * calibration/data/vm-20261202/fault-run*), per page with {@link #MUNMAP_BASE} spread over the
   * 256 pages, less the 131 per page the model charges for that munmap on the profile besides this
   * body (the system call and {@link #MUNMAP_BASE} spread over the pages, the PTE clears, the range
   * flush, the pcp frees; replayed by KbsysCostTest).
   */
  static final long ZAP_PER_PAGE = 552 - 131;

  /**
   * Derived: {@code mprotect()} of the first 4 pages of an untouched 16-page anonymous mapping to
   * read-only, as ld.so's RELRO protection: {@code do_mprotect_pkey()} → {@code mprotect_fixup()}
   * ({@code vma_modify_flags()} splits the VMA, {@code change_protection()} finds no PTE).
   * Measured {@code kbsys.mprotect_split_4of16p.median_tsc} = 7638, less the system call.
   */
  static final long MPROTECT = 7638 - 425;

  /**
   * Derived: one {@code brk()}, the mean of a grow by 132 KiB ({@code do_brk_flags()}: extend the
   * heap VMA) and the shrink back ({@code do_vmi_align_munmap()} of the untouched top). Measured
   * {@code kbsys.brk_grow_shrink_132k_per_call.median_tsc} = 6350 per call, less the system call (425;
   * the shrunk pages were never touched, so nothing is flushed).
   */
  static final long BRK = 6350 - 425;

  /**
   * Derived: per anonymous page of a dying mm, what {@code exit_mmap()} → {@code unmap_vmas()} →
   * {@code zap_pte_range()}, {@code free_pgtables()} and the batched free
   * ({@code tlb_finish_mmu()} → {@code free_pages_and_swap_cache()}) cost beyond the model's own
   * per-page charges (the allocator's free, the PTE clear). Measured: a forked child that touched
   * 4096 anonymous pages takes 4 101 760 TSC ticks from its last touch to the parent's
   * {@code waitpid()} return, one that touched one page 195 130
   * ({@code kbsys.exit_teardown_*p_to_waitpid_return.median_tsc}), so 954 per page
   * ({@code derived.kbsys.exit_teardown_per_page.median_tsc}), less the model's own per-page
   * teardown on the profile (129: the PTE clear and the pcp free of the frame).
   */
  static final long EXIT_PER_PAGE = 954 - 129;

  /**
   * Address space reserved for a process's heap at its first {@code brk()} (pages): the break moves
   * inside it. 256 MiB, far more than any modelled program grows its heap by {@code brk()}.
   */
  static final int BRK_WINDOW_PAGES = 1 << 16;
}
