package io.asisim.sim.slab;

import java.util.Arrays;

/**
 * The slabs of a {@link Slub} ({@code struct slab} of mm/slab.h), by id, as parallel primitive
 * arrays: first frame, cache, objects in use, state, order and the links of the list it is on. Ids
 * of freed slabs are reused. Not thread-safe.
 */
final class Slabs {
  /** States. */
  static final byte UNUSED = 0;
  static final byte ACTIVE = 1;
  static final byte CPU_PARTIAL = 2;
  static final byte NODE_PARTIAL = 3;
  static final byte FULL = 4;

  long[] pfn = new long[256];
  int[] cacheOf = new int[256];
  int[] inuse = new int[256];
  byte[] state = new byte[256];
  byte[] order = new byte[256];
  int[] prev = new int[256];
  int[] next = new int[256];
  private int[] freeIds = new int[256];
  private int nrFreeIds;
  /** Ids handed out so far (used or freed). */
  int nrIds;

  /** A free id: a released one, or a new one. */
  int newId() {
    if (nrFreeIds > 0) {
      return freeIds[--nrFreeIds];
    }
    if (nrIds == pfn.length) {
      int n = nrIds * 2;
      pfn = Arrays.copyOf(pfn, n);
      cacheOf = Arrays.copyOf(cacheOf, n);
      inuse = Arrays.copyOf(inuse, n);
      state = Arrays.copyOf(state, n);
      order = Arrays.copyOf(order, n);
      prev = Arrays.copyOf(prev, n);
      next = Arrays.copyOf(next, n);
    }
    return nrIds++;
  }

  /** Slab {@code s} was freed: its id may be reused. */
  void release(int s) {
    state[s] = UNUSED;
    if (nrFreeIds == freeIds.length) {
      freeIds = Arrays.copyOf(freeIds, nrFreeIds * 2);
    }
    freeIds[nrFreeIds++] = s;
  }
}
