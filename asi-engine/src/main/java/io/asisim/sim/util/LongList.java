package io.asisim.sim.util;

import java.util.Arrays;

/** A growable list of primitive longs. */
public final class LongList {
  private long[] a;
  private int size;

  public LongList(int capacity) {
    a = new long[Math.max(4, capacity)];
  }

  public void add(long v) {
    if (size == a.length) {
      a = Arrays.copyOf(a, a.length * 2);
    }
    a[size++] = v;
  }

  public long get(int i) {
    if (i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    return a[i];
  }

  public int size() {
    return size;
  }

  public void clear() {
    size = 0;
  }
}
