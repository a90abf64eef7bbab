package io.asisim.sim.run;

import io.asisim.api.machine.TablePageSource;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;

/**
 * Page-table pages from the page allocator once it has taken over memory ({@link Boot}), as
 * {@code __pte_alloc_one()} / {@code pte_alloc_one_kernel()} take them: {@code GFP_PGTABLE_KERNEL} (= {@code GFP_KERNEL | __GFP_ZERO}), order 0. Page tables
 * are nonsensitive kernel memory: the restricted address space must be able to walk them.
 */
final class AllocatorTablePages implements TablePageSource {
  /** {@code GFP_PGTABLE_KERNEL} in include/asm-generic/pgalloc.h. */
  static final int GFP_PGTABLE_KERNEL = Gfp.GFP_KERNEL | Gfp.__GFP_ZERO;

  private final PageAllocator allocator;

  AllocatorTablePages(PageAllocator allocator) {
    this.allocator = allocator;
  }

  @Override
  public long allocTablePage(int cpu) {
    return allocator.alloc(cpu, 0, GFP_PGTABLE_KERNEL);
  }

  @Override
  public void freeTablePage(int cpu, long pfn) {
    allocator.free(cpu, pfn, 0);
  }
}
