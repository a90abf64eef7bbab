package io.asisim.api.machine;

/**
 * The size of the simulated machine and whether ASI is on.
 *
 * @param memoryBytes physical memory ({@link #validMemory})
 * @param cpus number of CPUs, 1..256
 * @param asi whether the restricted address space exists ({@code --asi on})
 */
public record MachineConfig(long memoryBytes, int cpus, boolean asi) {
  /** Largest supported CPU count (cpumasks are 4 longs). */
  public static final int MAX_CPUS = 256;

  /** The memory sizes a machine may have, as error messages say it. */
  public static final String MEMORY_RULE = "a multiple of 2M from 64M to 4T";

  public MachineConfig {
    if (cpus < 1 || cpus > MAX_CPUS) {
      throw new IllegalArgumentException("cpus must be 1.." + MAX_CPUS + ", got " + cpus);
    }
    if (!validMemory(memoryBytes)) {
      throw new IllegalArgumentException("memory must be " + MEMORY_RULE + ", got " + memoryBytes);
    }
  }

  /** Whether a machine may have {@code bytes} of memory: {@link #MEMORY_RULE}. */
  public static boolean validMemory(long bytes) {
    return bytes >= (64L << 20) && bytes <= (1L << 42) && bytes % (2L << 20) == 0;
  }

  /** Number of 4 KiB frames. */
  public long frames() {
    return memoryBytes >>> 12;
  }
}
