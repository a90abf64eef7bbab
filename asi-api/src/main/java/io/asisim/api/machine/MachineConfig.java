package io.asisim.api.machine;

/**
 * The size of the simulated machine and whether ASI is on.
 *
 * @param memoryBytes physical memory, a multiple of 2 MiB
 * @param cpus number of CPUs, 1..256
 * @param asi whether the restricted address space exists ({@code --asi on})
 */
public record MachineConfig(long memoryBytes, int cpus, boolean asi) {
  /** Largest supported CPU count (cpumasks are 4 longs). */
  public static final int MAX_CPUS = 256;

  public MachineConfig {
    if (cpus < 1 || cpus > MAX_CPUS) {
      throw new IllegalArgumentException("cpus must be 1.." + MAX_CPUS + ", got " + cpus);
    }
    if (memoryBytes < (64L << 20) || memoryBytes % (2L << 20) != 0) {
      throw new IllegalArgumentException("memory must be a multiple of 2M and at least 64M, got " + memoryBytes);
    }
  }

  /** Number of 4 KiB frames. */
  public long frames() {
    return memoryBytes >>> 12;
  }
}
