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

  /** The page tables and address spaces. */
  AddressSpaces addressSpaces();

  /** The TLBs and flush operations. */
  TlbOps tlb();

  /** The ASI core: enter, exit, taints. */
  AsiOps asi();

  /**
   * Whether frame {@code pfn} has been zeroed by {@link #clearPages} and not written through
   * {@link TlbOps#access} since (frames start dirty: boot memory holds unknown data).
   */
  boolean isZeroed(long pfn);
}
