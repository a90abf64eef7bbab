package io.asisim.sim.util;

import java.util.Arrays;

/**
 * An open-addressing hash map from non-negative {@code long} keys to {@code long} values with
 * linear probing and backward-shift deletion: no boxing, no per-entry objects, so lookups and
 * updates on the simulator's hot paths allocate nothing (only growth allocates).
 */
public final class LongLongMap {
  /** Returned by {@link #get} for an absent key. */
  public static final long ABSENT = Long.MIN_VALUE;
  private static final long EMPTY = -1;

  private long[] keys;
  private long[] values;
  private int size;
  private int mask;

  public LongLongMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    keys = new long[cap];
    values = new long[cap];
    Arrays.fill(keys, EMPTY);
    mask = cap - 1;
  }

  private static int hash(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  /** The value of {@code key}, or {@link #ABSENT}. */
  public long get(long key) {
    int i = hash(key) & mask;
    while (true) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == EMPTY) {
        return ABSENT;
      }
      i = (i + 1) & mask;
    }
  }

  /** Whether {@code key} is present. */
  public boolean containsKey(long key) {
    return get(key) != ABSENT;
  }

  /** Sets {@code key} to {@code value}; returns the previous value or {@link #ABSENT}. */
  public long put(long key, long value) {
    if (key < 0) {
      throw new IllegalArgumentException("negative key " + key);
    }
    int i = hash(key) & mask;
    while (true) {
      long k = keys[i];
      if (k == key) {
        long old = values[i];
        values[i] = value;
        return old;
      }
      if (k == EMPTY) {
        keys[i] = key;
        values[i] = value;
        if (++size * 2 > keys.length) {
          grow();
        }
        return ABSENT;
      }
      i = (i + 1) & mask;
    }
  }

  /** Removes {@code key}; returns its value or {@link #ABSENT}. */
  public long remove(long key) {
    int i = hash(key) & mask;
    while (true) {
      long k = keys[i];
      if (k == EMPTY) {
        return ABSENT;
      }
      if (k == key) {
        long old = values[i];
        shiftBack(i);
        size--;
        return old;
      }
      i = (i + 1) & mask;
    }
  }

  private void shiftBack(int hole) {
    int i = hole;
    while (true) {
      i = (i + 1) & mask;
      long k = keys[i];
      if (k == EMPTY) {
        keys[hole] = EMPTY;
        return;
      }
      int home = hash(k) & mask;
      // move k into the hole if its home is not in the cyclic range (hole, i]
      boolean between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
      if (!between) {
        keys[hole] = k;
        values[hole] = values[i];
        hole = i;
      }
    }
  }

  private void grow() {
    long[] ok = keys;
    long[] ov = values;
    keys = new long[ok.length * 2];
    values = new long[ok.length * 2];
    Arrays.fill(keys, EMPTY);
    mask = keys.length - 1;
    size = 0;
    for (int i = 0; i < ok.length; i++) {
      if (ok[i] != EMPTY) {
        put(ok[i], ov[i]);
      }
    }
  }

  /** Number of entries. */
  public int size() {
    return size;
  }

  /** Removes every entry, keeping the capacity. */
  public void clear() {
    Arrays.fill(keys, EMPTY);
    size = 0;
  }

  /** Slots to iterate with {@link #keyAt}/{@link #valueAt}: {@code for i < capacity() if used(i)}. */
  public int capacity() {
    return keys.length;
  }

  /** Whether slot {@code i} holds an entry. */
  public boolean used(int i) {
    return keys[i] != EMPTY;
  }

  /** The key in slot {@code i}. */
  public long keyAt(int i) {
    return keys[i];
  }

  /** The value in slot {@code i}. */
  public long valueAt(int i) {
    return values[i];
  }
}
