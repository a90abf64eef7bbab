package io.asisim.api.mm;

/**
 * Decides the sensitivity of an allocation from its GFP mask (see {@link Gfp}), as the ASI RFCs
 * decide it at allocation time. Plugins of kind {@code sensitivity}.
 */
public interface SensitivityClassifier {
  /** The sensitivity of memory allocated with {@code gfpMask}. */
  Sensitivity classify(int gfpMask);

  /**
   * Whether the kernel creates a slab cache with {@code __GFP_SENSITIVE} in its allocation flags, so
   * that every page of its slabs is allocated sensitive: the sensitivity of a slab page is its
   * cache's, since all objects of a slab share the page. {@code reclaimable} says whether the cache
   * was created with {@code SLAB_RECLAIM_ACCOUNT} (dentries, inodes, radix-tree nodes). The default
   * marks no cache sensitive; {@link #classify} still decides the page's sensitivity from the
   * resulting mask.
   */
  default boolean sensitiveSlab(boolean reclaimable) {
    return false;
  }
}
