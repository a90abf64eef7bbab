package io.asisim.sim.slab;

/**
 * Which slab caches allocate sensitive pages. Under ASI the sensitivity of a slab page is a property
 * of its cache (objects of one slab share its page), not of the object's GFP mask, so
 * {@code __GFP_SENSITIVE} goes into the cache's {@code allocflags}; the page allocator's sensitivity
 * classifier then sees it in the page's GFP mask.
 */
public enum SlabSensitivity {
  /**
   * The posted ASI series' choice, "[RFC HACKS] mm/slub: Set __GFP_SENSITIVE for reclaimable slabs":
   * caches created with {@code SLAB_RECLAIM_ACCOUNT} (dentries, inodes, radix-tree nodes,
   * {@code kmalloc-rcl-*}) are sensitive, the rest not.
   */
  RECLAIMABLE("reclaimable"),
  /** No slab is sensitive (every cache is mapped in the restricted address space). */
  NONE("none"),
  /** Every slab is sensitive. */
  ALL("all");

  private final String label;

  SlabSensitivity(String label) {
    this.label = label;
  }

  /** The parameter value naming this choice. */
  public String label() {
    return label;
  }

  /** Whether a cache that is ({@code reclaimable}) or is not reclaimable allocates sensitive pages. */
  boolean sensitive(boolean reclaimable) {
    return this == ALL || (this == RECLAIMABLE && reclaimable);
  }

  /** The choice {@code classifier} makes ({@link io.asisim.api.mm.SensitivityClassifier#sensitiveSlab}). */
  public static SlabSensitivity of(io.asisim.api.mm.SensitivityClassifier classifier) {
    if (classifier.sensitiveSlab(false)) {
      return ALL;
    }
    return classifier.sensitiveSlab(true) ? RECLAIMABLE : NONE;
  }

  /** The choice named {@code label}. */
  public static SlabSensitivity of(String label) {
    for (SlabSensitivity s : values()) {
      if (s.label.equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException("slab sensitivity '" + label + "' (valid: reclaimable, none, all)");
  }
}
