package io.asisim.sim.slab;

/**
 * The layout SLUB gives a cache when it is created ({@code calculate_sizes()} in mm/slub.c): the
 * slab order from {@code calculate_order()}, the objects a slab holds ({@code oo_objects()}), the
 * fallback order that holds one object ({@code s->min}), the empty slabs a node keeps
 * ({@code set_min_partial()}) and the per-CPU partial list's length in slabs
 * ({@code set_cpu_partial()}, {@code slub_set_cpu_partial()}).
 *
 * <p>Checked against every cache of a real Linux 6.18 machine with two CPUs: its
 * {@code /proc/slabinfo} objperslab and pagesperslab and {@code /sys/kernel/slab/*}
 * min_partial and cpu_partial (calibration/data/vm-20261206, {@code SlabGeometryTest}).
 *
 * @param size the slot size of an object ({@code s->size}: the object, aligned, with its metadata)
 * @param order the slab order ({@code oo_order(s->oo)})
 * @param objects objects per slab ({@code oo_objects(s->oo)})
 * @param minOrder the order tried when {@code order} cannot be allocated ({@code oo_order(s->min)})
 * @param minPartial empty slabs kept on the node's partial list before one is freed
 * @param cpuPartialObjects {@code s->cpu_partial}: objects the per-CPU partial list is sized for
 * @param cpuPartialSlabs {@code s->cpu_partial_slabs}: slabs the per-CPU partial list holds before
 *     it is flushed to the node
 */
public record SlabGeometry(int size, int order, int objects, int minOrder, int minPartial, int cpuPartialObjects,
    int cpuPartialSlabs) {
  static final int PAGE_SIZE = 4096;
  /** {@code PAGE_ALLOC_COSTLY_ORDER}, the default {@code slub_max_order}. */
  static final int SLUB_MAX_ORDER = 3;
  /** {@code MAX_PAGE_ORDER} on x86-64. */
  static final int MAX_PAGE_ORDER = 10;
  /** {@code MAX_OBJS_PER_PAGE}: objects per slab fit the 15-bit {@code slab->objects}. */
  static final int MAX_OBJS_PER_PAGE = 32767;
  static final int MIN_PARTIAL = 5;
  static final int MAX_PARTIAL = 10;
  /** Largest slot a kmalloc cache has ({@code KMALLOC_MAX_CACHE_SIZE}, two pages); above it kmalloc takes pages. */
  public static final int KMALLOC_MAX_CACHE_SIZE = 2 * PAGE_SIZE;

  /** The geometry SLUB gives a cache of slot size {@code size} on a machine of {@code nrCpus} CPUs. */
  public static SlabGeometry of(int size, int nrCpus) {
    if (size < 8 || size > (PAGE_SIZE << MAX_PAGE_ORDER)) {
      throw new IllegalArgumentException("slab object size must be 8.." + (PAGE_SIZE << MAX_PAGE_ORDER) + " bytes, got " + size);
    }
    int order = calculateOrder(size, nrCpus);
    int objects = (PAGE_SIZE << order) / size;
    int minPartial = Math.min(MAX_PARTIAL, Math.max(MIN_PARTIAL, ilog2(size) / 2));
    int cpuPartial = cpuPartialObjects(size);
    // slub_set_cpu_partial(): a partial slab holds about half its objects free
    int cpuPartialSlabs = (cpuPartial * 2 + objects - 1) / objects;
    return new SlabGeometry(size, order, objects, getOrder(size), minPartial, cpuPartial, cpuPartialSlabs);
  }

  /** Objects per slab at {@code order}: {@code order_objects()}. */
  static int orderObjects(int order, int size) {
    return (PAGE_SIZE << order) / size;
  }

  /**
   * {@code calculate_order()} (Linux 6.8 and later): the smallest order from the one that holds
   * {@code min_objects} objects up to {@code slub_max_order} whose leftover is at most 1/16 of
   * the slab, then 1/8, 1/4, 1/2; else the order that holds one object.
   */
  static int calculateOrder(int size, int nrCpus) {
    // min_objects = 4 * (fls(nr_cpus) + 1); num_present_cpus() of the simulated machine
    int minObjects = 4 * (32 - Integer.numberOfLeadingZeros(nrCpus) + 1);
    int maxObjects = Math.max(orderObjects(SLUB_MAX_ORDER, size), 1);
    minObjects = Math.min(minObjects, maxObjects);
    int minOrder = getOrder((long) minObjects * size);
    if (orderObjects(minOrder, size) > MAX_OBJS_PER_PAGE) {
      return getOrder((long) size * MAX_OBJS_PER_PAGE) - 1;
    }
    for (int fraction = 16; fraction > 1; fraction /= 2) {
      int order = calcSlabOrder(size, minOrder, SLUB_MAX_ORDER, fraction);
      if (order <= SLUB_MAX_ORDER) {
        return order;
      }
    }
    return getOrder(size);
  }

  /** {@code calc_slab_order()}: the first order in [minOrder, maxOrder] whose leftover is at most 1/fract. */
  static int calcSlabOrder(int size, int minOrder, int maxOrder, int fractLeftover) {
    int order = minOrder;
    for (; order <= maxOrder; order++) {
      int slabSize = PAGE_SIZE << order;
      if (slabSize % size <= slabSize / fractLeftover) {
        break;
      }
    }
    return order;
  }

  /** {@code set_cpu_partial()} with CONFIG_SLUB_CPU_PARTIAL, in objects (the sizes of the Linux 6.18 kernel measured). */
  static int cpuPartialObjects(int size) {
    if (size >= PAGE_SIZE) {
      return 6;
    } else if (size >= 1024) {
      return 24;
    } else if (size >= 256) {
      return 52;
    }
    return 120;
  }

  /** {@code get_order()}: the smallest order whose block holds {@code bytes}. */
  static int getOrder(long bytes) {
    int order = 0;
    while (((long) PAGE_SIZE << order) < bytes) {
      order++;
    }
    return order;
  }

  private static int ilog2(int v) {
    return 31 - Integer.numberOfLeadingZeros(v);
  }

  /** Pages per slab. */
  public int pages() {
    return 1 << order;
  }
}
