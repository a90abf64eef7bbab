package io.asisim.x86;

/**
 * The CPUs' cycle counters (a TSC per CPU): every simulated instruction sequence charges the CPU
 * it runs on. One object shared by every part of the machine instead of a call back into it.
 */
final class CpuClocks {
  private final long[] cycles;

  CpuClocks(int nrCpus) {
    cycles = new long[nrCpus];
  }

  /** Adds {@code c} cycles to {@code cpu}'s clock. */
  void charge(int cpu, long c) {
    cycles[cpu] += c;
  }

  /** Cycles charged to {@code cpu} so far. */
  long cycles(int cpu) {
    return cycles[cpu];
  }

  int nrCpus() {
    return cycles.length;
  }
}
