package io.asisim.api.mm;

/**
 * {@code enum migratetype} of include/linux/mmzone.h in kernel order, for a kernel with
 * {@code CONFIG_CMA} and {@code CONFIG_MEMORY_ISOLATION}; {@link #pagetypeinfoName()} is the
 * {@code migratetype_names[]} string /proc/pagetypeinfo prints.
 */
public enum Migratetype {
  UNMOVABLE("Unmovable"),
  MOVABLE("Movable"),
  RECLAIMABLE("Reclaimable"),
  /** {@code MIGRATE_HIGHATOMIC == MIGRATE_PCPTYPES}. */
  HIGHATOMIC("HighAtomic"),
  CMA("CMA"),
  ISOLATE("Isolate");

  /** {@code MIGRATE_PCPTYPES}: the types that have pcp lists. */
  public static final int PCPTYPES = 3;

  private static final Migratetype[] VALUES = values();

  private final String name;

  Migratetype(String name) {
    this.name = name;
  }

  /** The name in {@code migratetype_names[]} (mm/page_alloc.c), e.g. {@code HighAtomic}. */
  public String pagetypeinfoName() {
    return name;
  }

  /** {@code migratetype_is_mergeable()}: only the pcp types merge across pageblocks. */
  public boolean isMergeable() {
    return ordinal() < PCPTYPES;
  }

  /** The type with kernel index {@code i}. */
  public static Migratetype ofIndex(int i) {
    return VALUES[i];
  }

  /** Looks a type up by its pagetypeinfo name. */
  public static Migratetype ofPagetypeinfoName(String n) {
    for (Migratetype m : VALUES) {
      if (m.name.equals(n)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown migratetype '" + n
        + "' (valid: Unmovable, Movable, Reclaimable, HighAtomic, CMA, Isolate)");
  }
}
