package io.asisim.sim.slab;

/**
 * One slab cache ({@code struct kmem_cache} with its node's {@code kmem_cache_node}): its geometry
 * and flags, and what {@code /proc/slabinfo} reports of it. The lists live in {@link Slub}.
 */
public final class KmemCache {
  final String name;
  final SlabGeometry geometry;
  /** {@code s->allocflags}. */
  final int allocflags;
  /** {@code SLAB_RECLAIM_ACCOUNT}: its pages count as {@code nr_slab_reclaimable}. */
  final boolean reclaimable;
  long activeObjects;
  /** Object slots in all its slabs ({@code num_objs}). */
  long objects;
  long slabs;
  long pages;
  int nodeHead = -1;
  int nodeTail = -1;
  /** {@code n->nr_partial}. */
  int nodeCount;

  KmemCache(String name, SlabGeometry geometry, int allocflags, boolean reclaimable) {
    this.name = name;
    this.geometry = geometry;
    this.allocflags = allocflags;
    this.reclaimable = reclaimable;
  }

  public String name() {
    return name;
  }

  public SlabGeometry geometry() {
    return geometry;
  }

  /** {@code s->allocflags}: the GFP bits every slab page of this cache carries. */
  public int allocflags() {
    return allocflags;
  }

  public boolean reclaimable() {
    return reclaimable;
  }

  /**
   * Objects allocated. Not {@code /proc/slabinfo}'s {@code active_objs}, which counts the free slots
   * of per-CPU slabs as active too ({@link SlabInfo} derives it).
   */
  public long activeObjects() {
    return activeObjects;
  }

  /** Object slots in its slabs ({@code num_objs}). */
  public long objects() {
    return objects;
  }

  public long slabs() {
    return slabs;
  }

  public long pages() {
    return pages;
  }

  /** Slabs on the node's partial list ({@code nr_partial}). */
  public int partialSlabs() {
    return nodeCount;
  }
}
