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

  // The kernel's int values, for free-list and pcp-list index arithmetic (ordinal() of each type).
  /** {@code MIGRATE_UNMOVABLE}. */
  public static final int MIGRATE_UNMOVABLE = 0;
  /** {@code MIGRATE_MOVABLE}. */
  public static final int MIGRATE_MOVABLE = 1;
  /** {@code MIGRATE_RECLAIMABLE}. */
  public static final int MIGRATE_RECLAIMABLE = 2;
  /** {@code MIGRATE_PCPTYPES}. */
  public static final int MIGRATE_PCPTYPES = PCPTYPES;
  /** {@code MIGRATE_HIGHATOMIC}. */
  public static final int MIGRATE_HIGHATOMIC = 3;
  /** {@code MIGRATE_CMA}. */
  public static final int MIGRATE_CMA = 4;
  /** {@code MIGRATE_ISOLATE}. */
  public static final int MIGRATE_ISOLATE = 5;
  /** {@code MIGRATE_TYPES}. */
  public static final int MIGRATE_TYPES = 6;

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
