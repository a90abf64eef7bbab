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

  public void set(int i, long v) {
    if (i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    a[i] = v;
  }

  /** Removes element {@code i} by moving the last element into its place (order not kept). */
  public long swapRemove(int i) {
    long v = get(i);
    a[i] = a[--size];
    return v;
  }

  /** Removes and returns the last element. */
  public long removeLast() {
    return a[--size];
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public void clear() {
    size = 0;
  }
}
