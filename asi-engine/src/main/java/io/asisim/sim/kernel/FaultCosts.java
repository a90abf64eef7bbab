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
 * a first read (mapping the shared zero page: no allocation, no zeroing) 1594 (613.9 ns). On the
 * zen4 profile the model already charges 1000 for the exception ({@code page-fault}), 100 for a pcp
 * allocation ({@code cost-pcp}), 300 for the clear ({@code clear-page}) and 61 for the page walk
 * of the retried access (4 levels x 15 + a TLB hit); the bodies below are the remainder. Those
 * separately charged values are themselves estimates, so the bodies inherit their error; none was
 * fitted to an ASI result.
 */
final class FaultCosts {
  private FaultCosts() {}

  /** What the model charges for the exception, the retried access's walk, a pcp allocation, a clear. */
  private static final long ENTRY = 1000;
  private static final long WALK = 61;
  private static final long ALLOC = 100;
  private static final long CLEAR = 300;

  /**
   * Derived: {@code handle_mm_fault()} → {@code do_anonymous_page()} without allocation and clear:
   * {@code lock_vma_under_rcu()}, the table walk and PTE lock, {@code vmf_anon_prepare()},
   * {@code mem_cgroup_charge()}, {@code folio_add_new_anon_rmap()}, {@code folio_add_lru_vma()},
   * {@code set_pte_at()}: 3066 - 1000 - 61 - 100 - 300 = 1605.
   */
  static final long ANON_FAULT = 3066 - ENTRY - WALK - ALLOC - CLEAR;

  /**
   * Derived: the body of a fault that only installs a PTE to an existing page (the zero-page read
   * fault: walk, PTE lock, {@code set_pte_at()}, no rmap or memcg): 1594 - 1000 - 61 = 533.
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
   * Estimate: a page-cache lookup as a fault does it, {@code filemap_get_entry()} (xarray walk
   * under RCU) with {@code folio_try_get()} and {@code folio_trylock()}: about 150.
   */
  static final long FILEMAP_LOOKUP = 150;

  /**
   * Estimate: {@code do_read_fault()} → {@code __do_fault()} → {@code filemap_fault()} on a cached
   * folio, then {@code finish_fault()} → {@code set_pte_range()} with {@code folio_add_file_rmap_ptes()}:
   * {@link #MAP_EXISTING} plus {@link #FILEMAP_LOOKUP}.
   */
  static final long FILE_READ_FAULT = MAP_EXISTING + FILEMAP_LOOKUP;

  /**
   * Estimate: {@code do_cow_fault()} without allocation and copy: {@link #ANON_FAULT}'s new
   * anonymous folio bookkeeping plus {@code __do_fault()}'s {@link #FILEMAP_LOOKUP}.
   */
  static final long COW_FAULT = ANON_FAULT + FILEMAP_LOOKUP;
}
