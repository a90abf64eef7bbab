package io.asisim.x86;

import static io.asisim.x86.CpuTlbState.TLB_NR_DYN_ASIDS;
import static io.asisim.x86.CpuTlbState.ctx;

/**
 * CR3 and ASID management of arch/x86/mm/tlb.c: {@code switch_mm_irqs_off()} with
 * {@code choose_new_asid()} (dynamic ASIDs, {@code TLB_NR_DYN_ASIDS} = 6 per CPU, round-robin
 * {@code next_asid}), {@code load_new_mm_cr3()} / {@code build_cr3()} / {@code build_cr3_noflush()}
 * (PCID = ASID + 1 as {@code kern_pcid()} computes it; the restricted space of an ASID has the
 * same PCID with a separate ASI bit, as {@code asi_pcid()} in bjackman/linux), and
 * {@code invalidate_other_asid()}. The flush operations that use these live in {@link X86TlbOps};
 * ASI's own CR3 writes ({@code __asi_enter()}, {@code asi_exit()}) go through {@link #writeCr3}.
 */
final class X86Cr3 {
  /** The PCID bit distinguishing the restricted (ASI) address space of an ASID. */
  static final int ASI_PCID_FLAG = 1 << 10;

  private final CpuTlbState s;
  private final Tlb tlb;
  private final MmContexts mms;
  private final CpuClocks clocks;
  private final Costs costs;
  private final MachineCounters counters;
  private final boolean asi;
  private final WorkingSets ws;

  X86Cr3(CpuTlbState s, Tlb tlb, MmContexts mms, CpuClocks clocks, Costs costs, MachineCounters counters,
      boolean asi, WorkingSets ws) {
    this.ws = ws;
    this.s = s;
    this.tlb = tlb;
    this.mms = mms;
    this.clocks = clocks;
    this.costs = costs;
    this.counters = counters;
    this.asi = asi;
  }

  /** {@code kern_pcid()}: ASID + 1 (PCID 0 is reserved for CPUs without PCID support). */
  static int kernPcid(int asid) {
    return asid + 1;
  }

  /** The PCID of the restricted address space of {@code asid}. */
  static int asiPcid(int asid) {
    return kernPcid(asid) | ASI_PCID_FLAG;
  }

  /** The PCID loaded in CR3 of {@code cpu}: restricted or not, of the loaded ASID. */
  int currentPcid(int cpu) {
    int asid = s.loadedMmAsid[cpu];
    return s.currAsi[cpu] ? asiPcid(asid) : kernPcid(asid);
  }

  /** The loaded ASID's PCID of the address space the CPU is not in. */
  int otherPcid(int cpu) {
    int asid = s.loadedMmAsid[cpu];
    return s.currAsi[cpu] ? kernPcid(asid) : asiPcid(asid);
  }

  /**
   * {@code write_cr3(build_cr3(...))} / {@code build_cr3_noflush()}: loads the loaded ASID's
   * restricted or unrestricted space; without NOFLUSH the PCID's entries are dropped.
   */
  void writeCr3(int cpu, boolean restricted, boolean noflush) {
    int asid = s.loadedMmAsid[cpu];
    clocks.charge(cpu, costs.cr3Write);
    counters.cr3Writes.inc();
    s.cr3Loads[cpu]++;
    if (!noflush) {
      tlb.flushPcid(cpu, restricted ? asiPcid(asid) : kernPcid(asid));
    }
  }

  /**
   * {@code switch_mm_irqs_off()}: {@code choose_new_asid()} (an ASID already holding {@code mm}
   * is reused, flushed only if stale; otherwise the {@code next_asid} victim is taken and
   * flushed), {@code asi_handle_switch_mm()}, {@code mm_cpumask} update and
   * {@code load_new_mm_cr3()}. Leaves lazy-TLB mode: into the same mm it only catches up on a
   * skipped flush ({@link #leaveLazy}); into another mm a skipped flush marks the old context
   * stale. The kernel then runs in the new PCID: its footprint is refilled if it was flushed.
   */
  void switchMm(int cpu, long mm) {
    long prev = s.loadedMm[cpu];
    if (prev == mm) {
      leaveLazy(cpu);
      return;
    }
    if (s.currAsi[cpu]) {
      throw new IllegalStateException("switch_mm while restricted on cpu " + cpu + ": asi_exit first");
    }
    s.isLazy[cpu] = false;
    if (s.lazyFlushPending[cpu]) {
      s.lazyFlushPending[cpu] = false;
      dropAsid(cpu, s.loadedMmAsid[cpu]); // its tlb_gen is behind: flushed before any reuse
    }
    if (asi) {
      X86Asi.handleSwitchMm(s, cpu);
    }
    int asid = -1;
    for (int a = 0; a < TLB_NR_DYN_ASIDS; a++) {
      if (s.ctxId[ctx(cpu, a)] == mm) {
        asid = a;
        break;
      }
    }
    boolean needFlush;
    if (asid >= 0) {
      needFlush = s.ctxStale[ctx(cpu, asid)];
    } else {
      asid = s.nextAsid[cpu];
      s.nextAsid[cpu] = asid + 1 >= TLB_NR_DYN_ASIDS ? 0 : asid + 1;
      long evicted = s.ctxId[ctx(cpu, asid)];
      if (evicted >= 0) {
        mms.cpumask(evicted).clear(cpu); // its entries go with the flush below
      }
      s.ctxId[ctx(cpu, asid)] = mm;
      needFlush = true;
    }
    if (needFlush) {
      s.ctxStale[ctx(cpu, asid)] = false;
      tlb.flushPcid(cpu, asiPcid(asid)); // the restricted PCID of a recycled ASID is stale too
    }
    s.loadedMmAsid[cpu] = asid;
    s.loadedMm[cpu] = mm;
    mms.cpumask(mm).set(cpu);
    writeCr3(cpu, false, !needFlush);
    ws.kernelEntry(cpu);
  }

  /**
   * {@code switch_mm_irqs_off()} with {@code prev == next} and {@code was_lazy}: if a shootdown
   * skipped the CPU while lazy ({@code ctxs[asid].tlb_gen} behind the mm's), the loaded ASID is
   * flushed with a flushing CR3 write ({@code need_flush = true}, {@code load_new_mm_cr3()}), both
   * PCIDs under ASI. Not lazy: nothing.
   */
  void leaveLazy(int cpu) {
    if (!s.isLazy[cpu]) {
      return;
    }
    s.isLazy[cpu] = false;
    if (s.lazyFlushPending[cpu]) {
      s.lazyFlushPending[cpu] = false;
      int asid = s.loadedMmAsid[cpu];
      tlb.flushPcid(cpu, kernPcid(asid));
      tlb.flushPcid(cpu, asiPcid(asid));
      clocks.charge(cpu, costs.cr3Write);
      counters.cr3Writes.inc();
      s.cr3Loads[cpu]++;
      ws.kernelEntry(cpu);
    }
  }

  /**
   * Drops every ASID context holding {@code mm} on every CPU when it is destroyed. The kernel
   * needs no such step because {@code ctx_id} is never reused; mm ids are ({@link MmContexts}).
   */
  void forgetMm(long mm) {
    for (int c = 0; c < s.nrCpus; c++) {
      for (int a = 0; a < TLB_NR_DYN_ASIDS; a++) {
        if (s.ctxId[ctx(c, a)] == mm) {
          tlb.flushPcid(c, kernPcid(a));
          tlb.flushPcid(c, asiPcid(a));
          s.ctxId[ctx(c, a)] = -1;
          s.ctxStale[ctx(c, a)] = false;
        }
      }
    }
  }

  /** {@code invalidate_other_asid()}: the kernel entries of every non-loaded live ASID go stale. */
  void invalidateOtherAsids(int cpu) {
    for (int a = 0; a < TLB_NR_DYN_ASIDS; a++) {
      int k = ctx(cpu, a);
      if (a != s.loadedMmAsid[cpu] && s.ctxId[k] >= 0 && !s.ctxStale[k]) {
        dropAsid(cpu, a);
      }
    }
  }

  /**
   * A flush for {@code mm} on a CPU that holds it in a non-loaded ASID ({@code should_flush_tlb()}
   * false): its entries are dropped now and the context is marked stale, caught up at the next
   * {@code switch_mm_irqs_off()} as a {@code tlb_gen} mismatch would be.
   */
  void dropMmDeferred(int cpu, long mm) {
    for (int a = 0; a < TLB_NR_DYN_ASIDS; a++) {
      if (s.ctxId[ctx(cpu, a)] == mm) {
        dropAsid(cpu, a);
      }
    }
  }

  /** Marks ASID {@code a} of {@code cpu} stale and drops both its PCIDs. */
  void dropAsid(int cpu, int a) {
    s.ctxStale[ctx(cpu, a)] = true;
    tlb.flushPcid(cpu, kernPcid(a));
    tlb.flushPcid(cpu, asiPcid(a));
  }
}
