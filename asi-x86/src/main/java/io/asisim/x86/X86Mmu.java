package io.asisim.x86;

import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.TlbOps;

/**
 * The MMU access path: a data access by a CPU in its current address space. A TLB lookup under
 * the current PCID; on a miss the hardware page walk of the loaded CR3 (the restricted or the
 * unrestricted PGD of {@code cpu_tlbstate.loaded_mm}) and a fill; a write through a read-only
 * translation is a fault for the caller. While restricted, a miss on an address that the
 * restricted tables lack but the unrestricted ones map is ASI's own fault:
 * {@code exc_page_fault()} → {@code asi_exit()} (bjackman/linux arch/x86/mm/fault.c and
 * arch/x86/mm/asi.c), then the access is retried unrestricted. Any other miss is a real page
 * fault ({@link TlbOps#FAULT}) the simulated kernel handles. In a guest each walk is
 * two-dimensional ({@link KvmGuest#walks}).
 */
final class X86Mmu {
  private final CpuTlbState s;
  private final Tlb tlb;
  private final PageTables pt;
  private final MmContexts mms;
  private final X86Cr3 cr3;
  private final X86Asi asi;
  private final CpuClocks clocks;
  private final Costs costs;
  private final MachineCounters counters;
  private final ZeroedFrames zeroed;
  private final KvmGuest guest;

  X86Mmu(CpuTlbState s, Tlb tlb, PageTables pt, MmContexts mms, X86Cr3 cr3, X86Asi asi, CpuClocks clocks,
      Costs costs, MachineCounters counters, ZeroedFrames zeroed, KvmGuest guest) {
    this.guest = guest;
    this.s = s;
    this.tlb = tlb;
    this.pt = pt;
    this.mms = mms;
    this.cr3 = cr3;
    this.asi = asi;
    this.clocks = clocks;
    this.costs = costs;
    this.counters = counters;
    this.zeroed = zeroed;
  }

  /** See {@link TlbOps#access}. */
  long access(int cpu, long va, boolean write, int site) {
    int pcid = cr3.currentPcid(cpu);
    Costs k = costs;
    long pfn = tlb.lookup(cpu, pcid, va);
    if (pfn >= 0) {
      clocks.charge(cpu, tlb.lastL1 ? k.tlbHit : k.tlbHit + k.stlbHit);
      if (write && !tlb.lastWritable) {
        return TlbOps.FAULT;
      }
      zeroed.written(pfn, write);
      return pfn;
    }
    counters.tlbMisses.inc();
    boolean restricted = s.currAsi[cpu];
    int root = mms.root(s.loadedMm[cpu], restricted);
    pfn = pt.walk(root, va);
    clocks.charge(cpu, pt.lastLevels * k.walkLevel);
    guest.walks(cpu, 1, pt.lastLevels); // a guest's walk also reads the host's tables
    if (pfn >= 0) {
      long e = pt.lastEntry;
      boolean writable = (e & Pte.RW) != 0;
      int shift = pt.lastShift;
      tlb.fill(cpu, pcid, va, shift, Pte.pfn(e), writable, (e & Pte.GLOBAL) != 0);
      if (write && !writable) {
        return TlbOps.FAULT;
      }
      zeroed.written(pfn, write);
      return pfn;
    }
    if (restricted && pt.walk(mms.root(s.loadedMm[cpu], false), va) >= 0) {
      // #PF path: the fault is ASI's (the unrestricted tables map va): exc_page_fault() ->
      // asi_exit(), return, and the access retries unrestricted. Other faults are real ones.
      clocks.charge(cpu, k.pageFault);
      asi.asiExit(cpu, AsiExitReason.PAGE_FAULT, site);
      return access(cpu, va, write, site);
    }
    return TlbOps.FAULT;
  }
}
