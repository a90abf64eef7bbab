package io.asisim.api.machine;

/** Supplies page-table pages: nonsensitive kernel memory from the page allocator. */
public interface TablePageSource {
  /** A free zeroed order-0 frame for a page table, or {@code -1} when memory is exhausted. */
  long allocTablePage(int cpu);

  /** Returns a page-table page. */
  void freeTablePage(int cpu, long pfn);
}
