package io.asisim.sim.kernel;

/**
 * Software costs (cycles) of the page-fault bodies of mm/memory.c and mm/filemap.c besides what
 * the model charges separately: the exception entry and return ({@code Cost.PAGE_FAULT}), the
 * allocation (the allocator's pcp/buddy costs), the clear or copy ({@code Cost.CLEAR_PAGE},
 * {@link CopyCost}) and the TLB/page-walk of the retried access.
 *
 * <p>Derivation from this project's measurement on its development machine (docs/calibration.md,
 * run 2, Zen 4 KVM guest, TSC 2596 MHz, core clock taken equal to the TSC): a first write to an
 * anonymous 4 KiB page takes 3066 TSC ticks (1180.9 ns median, allocation and zeroing included);
 * a first read (mapping the shared zero page: no allocation, no zeroing) 1594 (613.9 ns). Each body
 * is the measurement less what the model charges for the same fault on that machine's profile
 * ({@code calibration/profiles/kvm-zen4-2vcpu.properties}), found by replaying the fault with the
 * body at zero (KbsysCostTest checks the totals): the kernel entry of the access (the profile's
 * {@code syscall}, 425, which {@code Sched.enter} charges for every entry, a fault included), the
 * exception ({@code page-fault}, 1000), the walks and TLB fills, the allocation and the clear or
 * copy. Until the replay the bodies were computed by hand without the entry's 425 and with the
 * zen4 figures for the rest, which overcharged an anonymous write fault by 556 cycles (3622 against
 * the measured 3066). Those separately charged values are themselves partly estimates, so the
 * bodies inherit their error; none was fitted to an ASI or kernel-build result.
 */
final class FaultCosts {
  private FaultCosts() {}

  /** What the model charges for the kernel entry of a touch and for the exception. */
  private static final long ENTRY = 425 + 1000;
  /** The page walk of the retried access (4 levels x 15 + a TLB hit). */
  private static final long WALK = 61;

  /**
   * Derived: {@code handle_mm_fault()} → {@code do_anonymous_page()} without allocation and clear:
   * {@code lock_vma_under_rcu()}, the table walk and PTE lock, {@code vmf_anon_prepare()},
   * {@code mem_cgroup_charge()}, {@code folio_add_new_anon_rmap()}, {@code folio_add_lru_vma()},
   * {@code set_pte_at()}: the measured 3066 less the 2017 the model charges around it on the
   * profile (entry 425, exception 1000, walks, pcp allocation, clear), replayed by KbsysCostTest.
   */
  static final long ANON_FAULT = 3066 - 2017;

  /**
   * Derived: the body of a fault that only installs a PTE to an existing page (the zero-page read
   * fault: walk, PTE lock, {@code set_pte_at()}, no rmap or memcg): 1594 - 425 - 1000 - 61 = 108
   * (the model has no zero-page fault to replay, so the entry, exception and walk are subtracted by
   * hand).
   */
  static final long MAP_EXISTING = 1594 - ENTRY - WALK;

  /**
   * Estimate: {@code do_wp_page()} → {@code wp_page_reuse()}: the walk, folio lock and the
   * exclusive-anon check, {@code pte_mkwrite()}: like {@link #MAP_EXISTING}.
   */
  static final long WP_REUSE = MAP_EXISTING;

  /**
   * Estimate: {@code do_wp_page()} → {@code wp_page_copy()} without allocation and copy: the same
   * new-folio bookkeeping as {@link #ANON_FAULT} (memcg charge, new anon rmap, LRU add) plus the
   * old page's rmap removal, taken as equal to it.
   */
  static final long WP_COPY = ANON_FAULT;

  /**
   * Derived: {@code do_read_fault()} on a page-cache-resident file with fault-around:
   * {@code do_fault_around()} → {@code filemap_map_pages()} maps the cached neighbours of the
   * faulting page in the same PTE table (up to {@code fault_around_bytes}, 64 KiB: 16 pages), then
   * (if the faulting page was not among them) {@code __do_fault()} → {@code filemap_fault()} and
   * {@code finish_fault()}. The model maps only the faulting page per fault, but its file-fault
   * counts are the measured counts of faults, not of pages (docs/workloads.md), so each modelled
   * read fault stands for one real fault with its fault-around. Measured on the development machine
   * ({@code calibration/microbench.c} group kbsys, {@code calibration/data/vm-20261202/summary.properties}
   * {@code kbsys.fault_file_read_faultaround_first_touch.median_tsc} = 8554: the first read of a
   * private mapping of a cached 64 KiB file; the 15 other pages then read without a fault, 21 ticks
   * each), less the 1490 the model charges besides the body on the profile (exception entry
   * {@code page-fault} 1000, the walks and TLB fill of the faulting and retried access).
   */
  static final long FILE_READ_FAULT = 8554 - 1490;

  /**
   * Derived: {@code do_cow_fault()} of a private write to a cached file page not mapped yet:
   * {@code vma_alloc_folio()}, {@code __do_fault()} → {@code filemap_fault()}, the copy
   * ({@code copy_mc_user_highpage()}), {@code finish_fault()} with the new anonymous rmap and LRU
   * add. Measured ({@code kbsys.fault_file_private_write_cow_per_page.median_tsc} = 5432 per page,
   * a write to each page of a private read-write mapping of the cached 64 KiB file; same file), less
   * the 1819 the model charges besides the body on the profile (exception 1000, the walks, the pcp
   * allocation, the copy of a cached page {@code copy-page-cached}).
   */
  static final long COW_FAULT = 5432 - 1819;
}
