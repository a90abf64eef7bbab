package io.asisim.api.machine;

/**
 * A TLB flush request being accumulated, as the kernel's {@code struct flush_tlb_info}
 * (arch/x86/include/asm/tlbflush.h, filled by {@code get_flush_tlb_info()} in arch/x86/mm/tlb.c):
 * the mm whose addresses are flushed ({@link TlbOps#ALL_MM} for kernel addresses, as
 * {@code flush_tlb_kernel_range()} passes {@code NULL}), {@code [start, end)}, {@code stride_shift}
 * and {@code freed_tables}. {@code new_tlb_gen} has no counterpart: the simulated TLB marks a
 * non-loaded ASID stale at once instead of comparing generations (see {@code X86TlbOps}).
 *
 * <p>Mutable and reused, like the kernel's per-CPU {@code flush_tlb_info}: callers {@link #reset}
 * one instance and {@link #add} addresses, so accumulating a range allocates nothing. Every place
 * that gathers the addresses of one shootdown uses this type.
 */
public final class FlushTlbInfo {
  private long mm;
  private long start;
  private long end;
  private int strideShift = 12;
  private boolean freedTables;
  private boolean empty = true;

  /** Starts a new, empty request for {@code mm} ({@link TlbOps#ALL_MM}: kernel addresses). */
  public FlushTlbInfo reset(long mm) {
    this.mm = mm;
    this.start = 0;
    this.end = 0;
    this.strideShift = 12;
    this.freedTables = false;
    this.empty = true;
    return this;
  }

  /**
   * Sets the request to {@code [start, start + pages*4K)} of {@code mm} in one step. A length
   * beyond the address space (callers pass {@code Long.MAX_VALUE >>> 12} for "everything", the
   * kernel's {@code TLB_FLUSH_ALL}) is clamped to 2^51 pages, which is still far above any ceiling.
   */
  public FlushTlbInfo set(long mm, long start, long pages) {
    reset(mm);
    this.start = start;
    this.end = start + (Math.min(pages, 1L << 51) << 12);
    this.empty = pages <= 0;
    return this;
  }

  /**
   * Widens the range to cover the page at {@code va} (unsigned comparison: kernel addresses are
   * negative as {@code long}), as {@code flush_tlb_mm_range()} callers widen {@code start}/{@code end}
   * in an {@code mmu_gather} ({@code __tlb_adjust_range()}).
   */
  public void add(long va) {
    addRange(va, 1);
  }

  /**
   * Widens the range to cover {@code pages} pages from {@code va} ({@code __tlb_adjust_range(tlb,
   * address, range_size)}), e.g. a whole vmap area of {@code __purge_vmap_area_lazy()}.
   */
  public void addRange(long va, long pages) {
    long e = va + (pages << strideShift);
    if (empty) {
      start = va;
      end = e;
      empty = false;
      return;
    }
    if (Long.compareUnsigned(va, start) < 0) {
      start = va;
    }
    if (Long.compareUnsigned(e, end) > 0) {
      end = e;
    }
  }

  /** Records that page tables were freed ({@code freed_tables}): lazy-TLB CPUs must flush too. */
  public void setFreedTables() {
    freedTables = true;
  }

  /** Whether no address was added since {@link #reset}. */
  public boolean isEmpty() {
    return empty;
  }

  /** {@code info->mm}: the mm id, or {@link TlbOps#ALL_MM}. */
  public long mm() {
    return mm;
  }

  /** {@code info->start}. */
  public long start() {
    return start;
  }

  /** {@code info->end} (exclusive). */
  public long end() {
    return end;
  }

  /** {@code info->stride_shift}: 12 (4 KiB pages). */
  public int strideShift() {
    return strideShift;
  }

  /** {@code info->freed_tables}. */
  public boolean freedTables() {
    return freedTables;
  }

  /** Range length in 4 KiB pages, {@code (end - start) >> PAGE_SHIFT}; 0 when empty. */
  public long pages() {
    return empty ? 0 : (end - start) >>> 12;
  }

  /** Whether {@code va} lies in {@code [start, end)} (unsigned). */
  public boolean contains(long va) {
    return !empty && Long.compareUnsigned(va, start) >= 0 && Long.compareUnsigned(va, end) < 0;
  }

  @Override
  public String toString() {
    return "flush_tlb_info{mm=" + mm + ", start=0x" + Long.toHexString(start) + ", end=0x"
        + Long.toHexString(end) + ", freed_tables=" + freedTables + "}";
  }
}
