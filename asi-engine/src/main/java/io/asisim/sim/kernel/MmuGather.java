package io.asisim.sim.kernel;

import io.asisim.api.machine.TlbOps;
import io.asisim.api.mm.PageAllocator;
import io.asisim.sim.util.LongList;

/**
 * {@code struct mmu_gather} (mm/mmu_gather.c): frames unmapped by {@code zap_pte_range()} are
 * queued ({@code tlb_remove_page()}) and freed only after the TLB flush of the range
 * ({@code tlb_finish_mmu()} → {@code tlb_flush_mmu()}: flush, then {@code tlb_batch_pages_flush()}),
 * so no CPU can still reach a frame through a stale entry once it is reallocated. One batch is
 * open at a time (the simulated kernel is single-threaded per op).
 */
final class MmuGather {
  private final TlbOps tlb;
  private final PageAllocator allocator;
  private final LongList pages = new LongList(512);
  /** Higher-order blocks (THP folios), as {@code (pfn << 4) | order}. */
  private final LongList blocks = new LongList(4);

  MmuGather(TlbOps tlb, PageAllocator allocator) {
    this.tlb = tlb;
    this.allocator = allocator;
  }

  /** {@code tlb_remove_page()}: {@code pfn} is freed at {@link #finish}. */
  void removePage(long pfn) {
    pages.add(pfn);
  }

  /** {@code tlb_remove_page_size()} of a folio: the block of {@code order} at {@code pfn} is freed at {@link #finish}. */
  void removeBlock(long pfn, int order) {
    blocks.add((pfn << 4) | order);
  }

  /**
   * {@code tlb_finish_mmu()}: flushes {@code pages} pages from {@code startVa} of {@code mm} on every
   * CPU that may cache them, then frees the gathered frames.
   */
  void finish(int cpu, long mm, long startVa, long nrPages) {
    tlb.flushMmRange(cpu, mm, startVa, nrPages);
    freeFlushed(cpu);
  }

  /**
   * {@code tlb_batch_pages_flush()} alone: frees the gathered frames of a range the caller has
   * already flushed (khugepaged's {@code pmdp_collapse_flush()} runs before the old pages go).
   */
  void freeFlushed(int cpu) {
    for (int i = 0; i < pages.size(); i++) {
      allocator.free(cpu, pages.get(i), 0);
    }
    pages.clear();
    for (int i = 0; i < blocks.size(); i++) {
      long b = blocks.get(i);
      allocator.free(cpu, b >>> 4, (int) (b & 15));
    }
    blocks.clear();
  }
}
