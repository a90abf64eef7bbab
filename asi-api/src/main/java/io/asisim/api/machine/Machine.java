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
   * tables come from its {@link #bootReservation()}).
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

  /**
   * User mode on {@code cpu}: the running task executes {@code cycles} of user code whose
   * working set is {@code dataPages} data and {@code textPages} text pages of the loaded mm. A
   * machine with a TLB model charges, besides the cycles, the refill of whatever part of that
   * working set a flush (a CR3 write without NOFLUSH, {@code flush_tlb_local()}, INVPCID) or
   * eviction removed since the task last ran here. This default charges the cycles only.
   */
  default void runUser(int cpu, long cycles, int dataPages, int textPages) {
    charge(cpu, cycles);
  }

  /**
   * Kernel entry on {@code cpu} (system call, fault or interrupt): a machine with a TLB model
   * charges the refill of the kernel's own footprint (text, stack, per-CPU data) in the PCID the
   * kernel runs in, if a flush removed it. This default charges nothing.
   */
  default void kernelEntry(int cpu) {}

  /**
   * The local APIC timer fired on {@code cpu} and its handler armed the next event
   * ({@code lapic_next_deadline()}: a write of {@code MSR_IA32_TSC_DEADLINE}). The caller charges the
   * handler; a machine that runs as a guest charges here what the hypervisor adds (the exit the
   * expiry causes and the exit of the MSR write). This default charges nothing.
   */
  default void timerInterrupt(int cpu) {}

  /**
   * Asks the machine to record in {@code log}, from now on, every write of the restricted page
   * tables and of user PTEs ({@link ChangeLog#translation}) and every change of the restricted direct map
   * ({@link ChangeLog#frames}), for the checker's incremental checks (docs/checker.md).
   *
   * @return whether it will; this default records nothing and returns false, and the checker then
   *     scans everything at every check
   */
  default boolean logChanges(ChangeLog log) {
    return false;
  }
}
