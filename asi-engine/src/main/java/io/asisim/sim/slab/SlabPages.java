package io.asisim.sim.slab;

/** Where a {@link Slub} takes slab pages from and gives them back to: the page allocator. */
public interface SlabPages {
  /** {@code alloc_slab_page()}: a block of {@code order} with {@code gfp}; its first pfn, or -1. */
  long alloc(int cpu, int order, int gfp);

  /** {@code __free_slab()}: the block back. */
  void free(int cpu, long pfn, int order);
}
