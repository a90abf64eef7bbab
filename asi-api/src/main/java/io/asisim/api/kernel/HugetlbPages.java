package io.asisim.api.kernel;

/**
 * The hugetlb pool of {@link Kernel} (mm/hugetlb.c), kept apart so that each interface stays
 * readable: 2 MiB pages the kernel owns and hands out by handle, as other tenants of a machine hold
 * memory (a database's or a VM's huge pages). Because the kernel owns them it may migrate them
 * ({@code alloc_contig_range()}, memory offlining) and the handle stays valid. Every method is
 * {@code default} and refused by a kernel that does not model hugetlb.
 */
public interface HugetlbPages {

  /**
   * One more 2 MiB page in the pool on {@code cpu} ({@code echo N > nr_hugepages} →
   * {@code alloc_pool_huge_folio()}), in use from now on: its handle, or -1 when no 2 MiB block
   * could be had.
   */
  default int hugetlbAlloc(int cpu) {
    throw new UnsupportedOperationException("hugetlbAlloc is not supported by this kernel");
  }

  /** The page of {@code handle} leaves the pool ({@code update_and_free_hugetlb_folio()}); the handle is dead. */
  default void hugetlbFree(int cpu, int handle) {
    throw new UnsupportedOperationException("hugetlbFree is not supported by this kernel");
  }
}
