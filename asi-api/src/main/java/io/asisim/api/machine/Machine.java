package io.asisim.api.machine;

/**
 * The simulated x86-64 machine as the rest of the simulator sees it: CPUs with cycle clocks, the
 * CPU profile, and the arch operations. The asi-x86 module implements it.
 */
public interface Machine extends ArchPageOps {

  /** The selected CPU profile. */
  CpuProfile profile();

  /** Cycles elapsed on {@code cpu}. */
  long cycles(int cpu);

  /**
   * Sets where page-table pages come from once the page allocator exists (the machine's boot page
   * tables come from {@link #bootReservedFrames()}).
   */
  void setTablePageSource(TablePageSource source);
}
