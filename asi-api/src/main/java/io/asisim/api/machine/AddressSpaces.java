package io.asisim.api.machine;

/**
 * The x86-64 page tables (4-level, real PTE layout) and the address spaces built from them
 * (Documentation/arch/x86/x86_64/mm.rst layout): per-process mms whose user half is shared by the
 * mm's unrestricted and restricted page tables, the unrestricted direct map (1 GiB/2 MiB leaves),
 * the restricted direct map (2 MiB leaves, present iff the pageblock is nonsensitive), the shared
 * kernel virtual area (vmalloc-like, visible in every restricted space) and the mm-local region
 * with per-CPU slots that ephmap uses. Map/unmap calls write PTEs only: callers flush TLBs
 * themselves through {@link TlbOps}, as kernel code does. Page-table pages are counted in
 * {@code pagetable_pages}.
 */
public interface AddressSpaces {
  /** {@code page_offset_base}: start of the direct map (4-level paging, no KASLR). */
  long PAGE_OFFSET = 0xffff888000000000L;
  /** {@code VMALLOC_START}. */
  long VMALLOC_START = 0xffffc90000000000L;
  /** {@code VMALLOC_END} (exclusive), 32 TiB after the start. */
  long VMALLOC_END = 0xffffe90000000000L;
  /** Start of the mm-local region (one 512 GiB PGD slot, per mm; the slot PTI uses for the LDT remap). */
  long MM_LOCAL_START = 0xffff880000000000L;
  /** End (exclusive) of the mm-local region. */
  long MM_LOCAL_END = 0xffff888000000000L;
  /** {@code TASK_SIZE_MAX}: end (exclusive) of the user half. */
  long USER_END = 0x00007ffffffff000L;
  /** The mm id of {@code init_mm}, loaded on every CPU at boot; has no restricted space. */
  long INIT_MM = 0;

  /** {@code __va(pfn << PAGE_SHIFT)}: the direct-map address of a frame. */
  static long directMapVa(long pfn) {
    return PAGE_OFFSET + (pfn << 12);
  }

  /**
   * Whether {@code va} is in the mm-local region ({@code [MM_LOCAL_START, MM_LOCAL_END)}, where
   * ephmap's slots live): its translations belong to one mm, so they are flushed as that mm's
   * ({@code flush_tlb_mm_range()}), not as shared kernel addresses ({@code flush_tlb_kernel_range()}).
   * The one definition every policy, mapper and the machine use.
   */
  static boolean isMmLocal(long va) {
    return Long.compareUnsigned(va, MM_LOCAL_START) >= 0 && Long.compareUnsigned(va, MM_LOCAL_END) < 0;
  }

  /**
   * {@code mm_alloc()} + {@code asi_init_mm_state()}: a new mm with its page-global directory,
   * under ASI its restricted PGD, and the mm-local region's tables preallocated.
   *
   * @return the mm id, or {@code -1} when page-table memory is exhausted. Ids of destroyed mms are
   *     reused, lowest first (as pids are), so per-mm arrays stay as large as the live mms
   */
  long mmCreate(int cpu);

  /** Tears down {@code mm}: frees its user and mm-local page tables and both PGDs. Must not be loaded. */
  void mmDestroy(int cpu, long mm);

  /**
   * {@code switch_mm_irqs_off()}: loads {@code mm} on {@code cpu} (ASID choice, CR3 write, mm
   * cpumask, {@code asi_handle_switch_mm} taints). No-op if already loaded. The CPU must not be
   * restricted when the mm changes (exit first).
   */
  void switchMm(int cpu, long mm);

  /** {@code cpu_tlbstate.loaded_mm} of {@code cpu}. */
  long loadedMm(int cpu);

  /** Maps user 4 KiB page {@code va -> pfn} in {@code mm}; {@code false} if table memory ran out. */
  boolean mapUser(int cpu, long mm, long va, long pfn, boolean writable);

  /** Clears the user PTE of {@code va}; returns the frame it mapped or {@code -1}. Does not flush. */
  long unmapUser(int cpu, long mm, long va);

  /**
   * {@code set_pmd_at()} of a transparent huge page: maps the 2 MiB-aligned {@code va} to the 512
   * frames from {@code pfn} with one PMD leaf, which needs an empty PMD entry (no PTE table);
   * {@code false} if table memory ran out or the machine has no huge user mappings (this default).
   */
  default boolean mapUserHuge(int cpu, long mm, long va, long pfn, boolean writable) {
    return false;
  }

  /**
   * {@code __split_huge_pmd()}: replaces the PMD leaf at the 2 MiB-aligned {@code va} by a PTE
   * table mapping the same 512 frames with the same permissions; {@code false} if there is no
   * such leaf or table memory ran out. Does not flush.
   */
  default boolean splitUserHuge(int cpu, long mm, long va) {
    return false;
  }

  /** {@code zap_huge_pmd()}: clears the PMD leaf at the 2 MiB-aligned {@code va}; its first frame or -1. Does not flush. */
  default long unmapUserHuge(int cpu, long mm, long va) {
    return -1;
  }

  /**
   * Whether the PMD entry of {@code va} in {@code mm} points to a PTE table ({@code pmd_none()} is
   * false), even one whose PTEs are all empty, as {@code MADV_DONTNEED} leaves it. This default:
   * no (a machine without huge user mappings).
   */
  default boolean hasUserPteTable(long mm, long va) {
    return false;
  }

  /**
   * khugepaged's {@code pmdp_collapse_flush()} and the clearing of the detached table's entries
   * ({@code __collapse_huge_page_copy_succeeded()}): the PTE table under the 2 MiB-aligned
   * {@code va} leaves the PMD entry, which is then empty for {@link #mapUserHuge}, and the table
   * page is freed. Returns how many present PTEs the table held, or -1 if there was no PTE table
   * there (this default: the machine has no huge user mappings). Does not flush.
   */
  default int removeUserPteTable(int cpu, long mm, long va) {
    return -1;
  }

  /** Maps {@code va} (in {@code [VMALLOC_START, VMALLOC_END)}) to {@code pfn} in the shared kernel area. */
  boolean mapKernel(int cpu, long va, long pfn);

  /** Clears a shared-kernel-area PTE; returns the old frame or {@code -1}. Does not flush. */
  long unmapKernel(int cpu, long va);

  /** Slots per CPU in each mm's mm-local region. */
  int mmLocalSlots();

  /** The address of {@code cpu}'s slot {@code slot} in the mm-local region (same in every mm). */
  long mmLocalSlotVa(int cpu, int slot);

  /** Maps an mm-local slot of {@code mm} to {@code pfn}; tables were preallocated, nothing is allocated. */
  void mapMmLocal(int cpu, long mm, long va, long pfn);

  /** Clears an mm-local slot; returns the old frame or {@code -1}. Does not flush. */
  long unmapMmLocal(int cpu, long mm, long va);

  /**
   * Walks {@code mm}'s restricted or unrestricted tables (no TLB, no cost).
   *
   * @return the frame {@code va} maps to, or {@code -1}
   */
  long translate(long mm, boolean restricted, long va);

  /** The leaf size (12, 21 or 30) mapping {@code va}, or {@code -1} if unmapped. */
  int leafShift(long mm, boolean restricted, long va);

  /**
   * Whether {@code mm}'s user PTE of {@code va} is present and writable ({@code _PAGE_RW}): 1
   * writable, 0 read-only or not present, -1 when this machine does not say. The checker's user-PTE
   * rule (docs/checker.md) compares the kernel's write protection with it; by default -1, and the
   * rule then compares frames only. No TLB, no cost.
   */
  default int userPteWritable(long mm, long va) {
    return -1;
  }

  /** Page-table pages in use. */
  long pagetablePages();
}
