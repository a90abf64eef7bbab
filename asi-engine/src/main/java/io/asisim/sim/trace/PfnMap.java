package io.asisim.sim.trace;

/**
 * An open-addressing {@code long -> long} hash map (linear probing, backward-shift deletion, no
 * tombstones) from a trace pfn to a packed value; no boxing, nothing allocated except when it
 * grows. Keys are non-negative; values are non-negative, so {@link #MISSING} (-1) means absent.
 * Iteration is by slot ({@link #capacity()}, {@link #keyAt}, {@link #valueAt}): deterministic for
 * the same sequence of operations.
 */
final class PfnMap {
  /** Returned for an absent key. */
  static final long MISSING = -1;
  private static final long EMPTY = -1;

  private long[] keys;
  private long[] values;
  private int mask;
  private int size;

  PfnMap(int expected) {
    int cap = 16;
    while (cap < expected * 2L && cap < (1 << 30)) {
      cap <<= 1;
    }
    alloc(cap);
  }

  private void alloc(int cap) {
    keys = new long[cap];
    values = new long[cap];
    java.util.Arrays.fill(keys, EMPTY);
    mask = cap - 1;
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  /** The value of {@code key}, or {@link #MISSING}. */
  long get(long key) {
    for (int i = slot(key); ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == EMPTY) {
        return MISSING;
      }
    }
  }

  /** Sets {@code key} to {@code value} (both non-negative). */
  void put(long key, long value) {
    for (int i = slot(key); ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key) {
        values[i] = value;
        return;
      }
      if (k == EMPTY) {
        keys[i] = key;
        values[i] = value;
        if (++size > (mask + 1) / 2) {
          grow();
        }
        return;
      }
    }
  }

  /** Removes {@code key}; returns its value or {@link #MISSING}. */
  long remove(long key) {
    int i = slot(key);
    while (true) {
      long k = keys[i];
      if (k == EMPTY) {
        return MISSING;
      }
      if (k == key) {
        break;
      }
      i = (i + 1) & mask;
    }
    long old = values[i];
    // backward-shift deletion: move later entries of the probe run into the hole
    int hole = i;
    for (int j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
      int home = slot(keys[j]);
      // entry j may move to hole if its home is not in the cyclic range (hole, j]
      boolean between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!between) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    keys[hole] = EMPTY;
    size--;
    return old;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldValues = values;
    alloc(keys.length * 2);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }

  int size() {
    return size;
  }

  int capacity() {
    return keys.length;
  }

  /** The key in {@code slot}, or -1 when the slot is empty. */
  long keyAt(int slot) {
    return keys[slot];
  }

  long valueAt(int slot) {
    return values[slot];
  }
}
