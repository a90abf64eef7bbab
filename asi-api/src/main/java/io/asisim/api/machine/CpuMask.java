package io.asisim.api.machine;

/**
 * A set of CPUs, models {@code struct cpumask} (include/linux/cpumask.h) for up to
 * {@link MachineConfig#MAX_CPUS} CPUs. A mutable value of four longs: every operation works in
 * place and allocates nothing, so hot paths keep one instance and reuse it.
 */
public final class CpuMask {
  private static final int WORDS = MachineConfig.MAX_CPUS / 64;
  private final long[] bits = new long[WORDS];

  /** An empty mask. */
  public CpuMask() {}

  /** A mask holding exactly {@code cpu}. */
  public static CpuMask of(int... cpus) {
    CpuMask m = new CpuMask();
    for (int c : cpus) {
      m.set(c);
    }
    return m;
  }

  /** {@code cpumask_set_cpu()}. */
  public void set(int cpu) {
    bits[cpu >>> 6] |= 1L << cpu;
  }

  /** {@code cpumask_clear_cpu()}. */
  public void clear(int cpu) {
    bits[cpu >>> 6] &= ~(1L << cpu);
  }

  /** {@code cpumask_test_cpu()}. */
  public boolean test(int cpu) {
    return (bits[cpu >>> 6] & (1L << cpu)) != 0;
  }

  /** {@code cpumask_clear()}: removes every CPU. */
  public void clearAll() {
    for (int i = 0; i < WORDS; i++) {
      bits[i] = 0;
    }
  }

  /** Sets CPUs {@code 0..n-1} and nothing else (like {@code cpu_online_mask} of an n-CPU machine). */
  public void setFirst(int n) {
    clearAll();
    for (int i = 0; i < WORDS; i++) {
      int lo = i * 64;
      if (n >= lo + 64) {
        bits[i] = -1L;
      } else if (n > lo) {
        bits[i] = (1L << (n - lo)) - 1;
      }
    }
  }

  /** {@code cpumask_copy()}: makes this mask equal to {@code other}. */
  public void copyFrom(CpuMask other) {
    System.arraycopy(other.bits, 0, bits, 0, WORDS);
  }

  /** {@code cpumask_or()} in place. */
  public void or(CpuMask other) {
    for (int i = 0; i < WORDS; i++) {
      bits[i] |= other.bits[i];
    }
  }

  /** {@code cpumask_and()} in place. */
  public void and(CpuMask other) {
    for (int i = 0; i < WORDS; i++) {
      bits[i] &= other.bits[i];
    }
  }

  /** {@code cpumask_andnot()} in place: removes the CPUs of {@code other}. */
  public void andNot(CpuMask other) {
    for (int i = 0; i < WORDS; i++) {
      bits[i] &= ~other.bits[i];
    }
  }

  /** {@code cpumask_empty()}. */
  public boolean isEmpty() {
    for (int i = 0; i < WORDS; i++) {
      if (bits[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** {@code cpumask_weight()}: the number of CPUs set. */
  public int weight() {
    int n = 0;
    for (int i = 0; i < WORDS; i++) {
      n += Long.bitCount(bits[i]);
    }
    return n;
  }

  /**
   * {@code cpumask_next()}: the first CPU {@code >= from} in the mask, or {@code -1}. Iterate with
   * {@code for (int c = m.next(0); c >= 0; c = m.next(c + 1))}.
   */
  public int next(int from) {
    if (from >= MachineConfig.MAX_CPUS) {
      return -1;
    }
    int w = from >>> 6;
    long word = bits[w] & (-1L << from);
    while (true) {
      if (word != 0) {
        return w * 64 + Long.numberOfTrailingZeros(word);
      }
      if (++w == WORDS) {
        return -1;
      }
      word = bits[w];
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CpuMask)) {
      return false;
    }
    CpuMask m = (CpuMask) o;
    for (int i = 0; i < WORDS; i++) {
      if (bits[i] != m.bits[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(bits);
  }

  /** The kernel's list format, e.g. {@code 0-2,5}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    int c = next(0);
    while (c >= 0) {
      int end = c;
      while (end + 1 < MachineConfig.MAX_CPUS && test(end + 1)) {
        end++;
      }
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(c);
      if (end > c) {
        sb.append('-').append(end);
      }
      c = next(end + 1);
    }
    return sb.toString();
  }
}
