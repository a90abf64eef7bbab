package io.asisim.x86;

import static io.asisim.x86.CpuTlbState.TLB_NR_DYN_ASIDS;
import static io.asisim.x86.CpuTlbState.ctx;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.FlushTlbInfo;
import io.asisim.api.machine.SettlingTlbVisitor;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.machine.TlbVisitor;

/**
 * The TLB flush operations of arch/x86/mm/tlb.c over the simulated {@link Tlb}s:
 * {@code flush_tlb_one_user()} / {@code flush_tlb_one_kernel()} with {@code invalidate_other_asid()},
 * {@code flush_tlb_local()}, {@code flush_tlb_func()} (a range above
 * {@code tlb_single_page_flush_ceiling} flushes whole), {@code flush_tlb_mm_range()},
 * {@code flush_tlb_kernel_range()}, {@code native_flush_tlb_multi()}, INVLPG/INVPCID and the
 * reclaim batch {@code arch_tlbbatch_add_pending()} / {@code arch_tlbbatch_flush()}. Data accesses
 * go to {@link X86Mmu}, CR3 and ASIDs to {@link X86Cr3}; all three share {@link CpuTlbState}.
 *
 * <p>{@code tlb_flushes_local} counts flush instructions (INVLPG, INVPCID, CR3 reload for a flush);
 * the implicit flush of a CR3 write without NOFLUSH is counted in {@code cr3_writes} only.
 *
 * <p>Remote flushes follow {@code native_flush_tlb_multi()}: without {@code freed_tables} the
 * {@code should_flush_tlb()} condition skips lazy-TLB CPUs ({@code cpu_tlbstate_shared.is_lazy});
 * kernel-address flushes ({@code flush_tlb_kernel_range()}: {@code on_each_cpu()}) reach every
 * CPU. The cost is that of {@code smp_call_function_many_cond()} with {@code wait=true} (kernel/smp.c):
 * the sender queues a call and sends an IPI per target ({@code ipi-send} each), runs its own part,
 * then waits until the last target has run {@code flush_tlb_func()}: each target is charged
 * {@code ipi-target} plus its flush, the sender the slowest target's latency minus its own local
 * work.
 */
final class X86TlbOps implements TlbOps {
  private final CpuTlbState s;
  private final Tlb tlb;
  private final TlbEntries entries;
  private final X86Cr3 cr3;
  private final X86Mmu mmu;
  private final MmContexts mms;
  private final X86Asi asiCore;
  private final int tlbFlushSite;
  private final boolean noflush;
  private final CpuClocks clocks;
  private final Costs costs;
  private final MachineCounters counters;
  private final boolean asi;
  private final int nrCpus;
  private final int ceiling;
  /** The sender's request, reused as the kernel reuses its per-CPU {@code flush_tlb_info}. */
  private final FlushTlbInfo info = new FlushTlbInfo();
  private final CpuMask tmpMask = new CpuMask();
  private final CpuMask[] batchMask;
  private final long[][] batchMms;
  private final int[] batchN;
  private final boolean[] batchOverflow;
  private final RestrictedEntries restricted;
  private final KvmGuest guest;

  X86TlbOps(CpuTlbState s, Tlb tlb, X86Cr3 cr3, X86Mmu mmu, MmContexts mms, X86Asi asiCore, CpuClocks clocks,
      Costs costs, MachineCounters counters, KvmGuest guest, boolean asi, int ceiling, boolean noflush) {
    this.guest = guest;
    this.asiCore = asiCore;
    this.tlbFlushSite = asi ? asiCore.exitSite("tlb_flush") : 0;
    this.noflush = noflush;
    this.s = s;
    this.tlb = tlb;
    this.entries = new TlbEntries(tlb);
    this.restricted = new RestrictedEntries(s, entries, asi);
    this.cr3 = cr3;
    this.mmu = mmu;
    this.mms = mms;
    this.clocks = clocks;
    this.costs = costs;
    this.counters = counters;
    this.asi = asi;
    this.nrCpus = s.nrCpus;
    this.ceiling = ceiling;
    batchMask = new CpuMask[nrCpus];
    batchMms = new long[nrCpus][16];
    batchN = new int[nrCpus];
    batchOverflow = new boolean[nrCpus];
    for (int c = 0; c < nrCpus; c++) {
      batchMask[c] = new CpuMask();
    }
  }

  @Override
  public int currentPcid(int cpu) {
    return cr3.currentPcid(cpu);
  }

  @Override
  public long access(int cpu, long va, boolean write, int site) {
    return mmu.access(cpu, va, write, site);
  }

  // ---- local flushes ------------------------------------------------------------------------

  @Override
  public void invlpg(int cpu, long va) {
    tlb.invalidate(cpu, cr3.currentPcid(cpu), va, true);
    clocks.charge(cpu, costs.invlpg);
    counters.tlbFlushesLocal.inc();
  }

  @Override
  public void invpcidSingle(int cpu, int pcid, long va) {
    tlb.invalidate(cpu, pcid, va, false);
    clocks.charge(cpu, costs.invpcidSingle);
    counters.tlbFlushesLocal.inc();
  }

  @Override
  public void invpcidAll(int cpu) {
    tlb.flushAll(cpu);
    clocks.charge(cpu, costs.invpcidAll);
    counters.tlbFlushesLocal.inc();
  }

  @Override
  public void flushOne(int cpu, long va) {
    invlpg(cpu, va);
    if (asi) {
      invpcidSingle(cpu, cr3.otherPcid(cpu), va);
      if (va < 0 && !AddressSpaces.isMmLocal(va)) {
        cr3.invalidateOtherAsids(cpu); // shared kernel mapping: cached under every ASID
      }
    }
  }

  /**
   * {@code ephmap_put()} (bjackman/linux mm/ephmap.c at 056fa0a2): one INVLPG of the released
   * page in the current PCID; it "does not need to invalidate any others" and relies on ASI's CR3
   * writes never setting NOFLUSH for the other PCID. Only with NOFLUSH CR3 writes
   * ({@code machine.x86.cr3-noflush}) can the loaded ASID's other PCID hold the slot, and only if
   * that PCID was loaded while the slot was mapped: a PCID gains entries only while loaded, and
   * every earlier mapping of the slot was flushed from both PCIDs before it was reused. So the
   * INVPCID is issued when this CPU has written CR3 since {@code ephmap_get()} stamped the slot
   * ({@link CpuTlbState#mmLocalMapCr3}; a kernel keeps the same per-CPU count in the slot), or
   * when the address is not a slot this CPU mapped (no stamp to trust).
   */
  @Override
  public void flushOneMmLocal(int cpu, long va) {
    invlpg(cpu, va);
    if (asi && noflush && s.otherPcidMayCacheMmLocal(cpu, va)) {
      invpcidSingle(cpu, cr3.otherPcid(cpu), va);
    }
  }

  @Override
  public boolean asiCr3NoFlush() {
    return asi && noflush;
  }

  @Override
  public void setLazy(int cpu, boolean lazy) {
    if (lazy) {
      s.isLazy[cpu] = true; // enter_lazy_tlb()
    } else {
      cr3.leaveLazy(cpu);
    }
  }

  @Override
  public boolean isLazy(int cpu) {
    return s.isLazy[cpu];
  }

  /**
   * {@code native_flush_tlb_local()} of bjackman/linux arch/x86/mm/tlb.c: under ASI
   * {@code asi_exit()} first (the restricted CR3 is unstable outside a critical section), then
   * the CR3 reload of the loaded ASID with {@code invalidate_user_asid()}'s counterpart, the
   * restricted PCID.
   */
  @Override
  public void flushLocal(int cpu) {
    if (asi && s.currAsi[cpu]) {
      asiCore.asiExit(cpu, AsiExitReason.TLB_FLUSH, tlbFlushSite);
    }
    int asid = s.loadedMmAsid[cpu];
    tlb.flushPcid(cpu, X86Cr3.kernPcid(asid));
    clocks.charge(cpu, costs.fullFlush);
    counters.tlbFlushesLocal.inc();
    if (asi) {
      tlb.flushPcid(cpu, X86Cr3.asiPcid(asid));
      clocks.charge(cpu, costs.fullFlush);
      counters.tlbFlushesLocal.inc();
    }
  }

  /** {@code flush_tlb_func()} on one CPU for the request {@code f}. */
  private void flushFunc(int cpu, FlushTlbInfo f) {
    long pages = f.pages();
    if (pages > ceiling) {
      if (f.mm() == ALL_MM) {
        invpcidAll(cpu); // do_flush_tlb_all() -> __flush_tlb_all()
      } else {
        flushLocal(cpu);
      }
      return;
    }
    long start = f.start();
    for (long i = 0; i < pages; i++) {
      flushOne(cpu, start + (i << 12));
    }
  }

  // ---- remote flushes -----------------------------------------------------------------------

  @Override
  public void shootdown(int cpu, CpuMask targets, long mm, long start, long pages) {
    flushTlbMulti(cpu, targets, info.set(mm, start, pages));
  }

  @Override
  public void shootdown(int cpu, CpuMask targets, long mm, long start, long pages, boolean freedTables) {
    info.set(mm, start, pages);
    if (freedTables) {
      info.setFreedTables();
    }
    flushTlbMulti(cpu, targets, info);
  }

  @Override
  public void shootdown(int cpu, CpuMask targets, FlushTlbInfo f) {
    if (!f.isEmpty()) {
      flushTlbMulti(cpu, targets, f);
    }
  }

  /**
   * {@code native_flush_tlb_multi()}: {@code flush_tlb_func()} on each target that has the mm
   * loaded (an IPI to each one other than {@code cpu}) unless it is lazy and no tables were freed
   * ({@code should_flush_tlb()}); targets holding it in another ASID only mark it stale.
   */
  private void flushTlbMulti(int cpu, CpuMask targets, FlushTlbInfo f) {
    long mm = f.mm();
    int ipis = 0;
    long slowest = 0;
    long local = 0;
    boolean skipLazy = mm != ALL_MM && !f.freedTables();
    guest.beginSend();
    for (int c = targets.next(0); c >= 0 && c < nrCpus; c = targets.next(c + 1)) {
      boolean loaded = mm == ALL_MM || s.loadedMm[c] == mm;
      // kvm_flush_tlb_multi() looks at every target before native_flush_tlb_multi() filters them;
      // flush_tlb_kernel_range() IPIs through on_each_cpu() and is never deferred
      boolean deferred = c != cpu && mm != ALL_MM && guest.deferFlush(cpu, c);
      if (deferred) {
        hostFlush(c);
      }
      if (!loaded) {
        cr3.dropMmDeferred(c, mm); // should_flush_tlb() false: caught up at the next switch_mm
        continue;
      }
      if (deferred) {
        continue;
      }
      if (c == cpu) {
        long t0 = clocks.cycles(c);
        flushFunc(c, f);
        local = clocks.cycles(c) - t0;
        continue;
      }
      if (skipLazy && s.isLazy[c]) {
        s.lazyFlushPending[c] = true; // is_lazy: no IPI, caught up when it leaves lazy mode
        continue;
      }
      ipis++;
      slowest = Math.max(slowest, remoteFlush(cpu, c, f));
    }
    chargeSender(cpu, ipis, slowest, local);
  }

  /**
   * One target's part of an IPI: interrupt entry, the flush, ack; if the flush exited ASI
   * ({@code flush_tlb_local()}) on a CPU the IPI interrupted while restricted, the return from the
   * interrupt re-enters the interrupted domain. Returns the target's latency.
   */
  private long remoteFlush(int cpu, int c, FlushTlbInfo f) {
    guest.ipiTarget(c);
    long wait = guest.preemptedWait(cpu, c); // the target must run again to take the IPI
    boolean wasRestricted = s.currAsi[c];
    long t0 = clocks.cycles(c);
    clocks.charge(c, costs.ipiTarget); // f == null: arch_tlbbatch_flush()'s full flush
    guest.ipiDeliver(c);
    if (f != null) {
      flushFunc(c, f);
    } else {
      flushLocal(c);
    }
    long latency = wait + clocks.cycles(c) - t0;
    if (wasRestricted && !s.currAsi[c]) {
      asiCore.asiReenter(c);
    }
    return latency;
  }

  /**
   * The host's flush of a preempted vCPU's whole TLB at its next entry ({@code KVM_VCPU_FLUSH_TLB}
   * → {@code kvm_vcpu_flush_tlb_guest()}), applied at once: the vCPU runs nothing before it.
   */
  private void hostFlush(int c) {
    tlb.flushAll(c);
    clocks.charge(c, costs.invpcidAll);
  }

  /**
   * {@code smp_call_function_many_cond(wait=true)}: a send per target (in a guest, the exits of the
   * sends, {@link KvmGuest#ipiSend}), then wait for the slowest.
   */
  private void chargeSender(int cpu, int ipis, long slowest, long local) {
    if (ipis > 0) {
      guest.ipiSend(cpu, ipis);
      clocks.charge(cpu, costs.ipiSend * ipis + Math.max(0, slowest - local));
      counters.tlbShootdowns.inc();
      counters.tlbShootdownIpis.add(ipis);
    }
  }

  /**
   * {@code flush_tlb_mm_range()}: the mm's cpumask plus the caller. {@code inc_mm_tlb_gen()} puts
   * every context of the mm behind, the caller's too: when the caller has the mm loaded it flushes
   * locally, when it holds the mm in an idle ASID {@link #flushTlbMulti} marks that ASID stale as
   * for any other CPU that does not have the mm loaded.
   */
  @Override
  public void flushMmRange(int cpu, long mm, long start, long pages) {
    tmpMask.copyFrom(mms.cpumask(mm));
    tmpMask.set(cpu);
    shootdown(cpu, tmpMask, mm, start, pages);
  }

  @Override
  public void flushKernelRange(int cpu, long start, long pages) {
    tmpMask.setFirst(nrCpus);
    shootdown(cpu, tmpMask, ALL_MM, start, pages);
  }

  @Override
  public void batchAdd(int cpu, long mm) {
    batchMask[cpu].or(mms.cpumask(mm));
    if (batchN[cpu] < batchMms[cpu].length) {
      batchMms[cpu][batchN[cpu]++] = mm;
    } else {
      batchOverflow[cpu] = true;
    }
  }

  @Override
  public void batchFlush(int cpu) {
    CpuMask mask = batchMask[cpu];
    if (mask.isEmpty()) {
      return;
    }
    int ipis = 0;
    long slowest = 0;
    long local = 0;
    guest.beginSend();
    for (int c = mask.next(0); c >= 0 && c < nrCpus; c = mask.next(c + 1)) {
      if (c != cpu && guest.deferFlush(cpu, c)) {
        hostFlush(c); // arch_tlbbatch_flush() -> flush_tlb_multi(): the PV hook sees it too
      } else if (c != cpu && s.isLazy[c]) {
        s.lazyFlushPending[c] = true; // should_flush_tlb(): lazy CPUs are skipped, no tables freed
      } else if (c != cpu) {
        ipis++;
        slowest = Math.max(slowest, remoteFlush(cpu, c, null));
      } else {
        long t0 = clocks.cycles(c);
        flushLocal(c);
        local = clocks.cycles(c) - t0;
      }
      for (int a = 0; a < TLB_NR_DYN_ASIDS; a++) {
        long held = s.ctxId[ctx(c, a)];
        if (a != s.loadedMmAsid[c] && held >= 0 && inBatch(cpu, held)) {
          cr3.dropAsid(c, a);
        }
      }
    }
    chargeSender(cpu, ipis, slowest, local);
    mask.clearAll();
    batchN[cpu] = 0;
    batchOverflow[cpu] = false;
  }

  private boolean inBatch(int cpu, long mm) {
    if (batchOverflow[cpu]) {
      return true;
    }
    for (int i = 0; i < batchN[cpu]; i++) {
      if (batchMms[cpu][i] == mm) {
        return true;
      }
    }
    return false;
  }

  @Override
  public CpuMask mmCpumask(long mm) {
    return mms.cpumask(mm);
  }

  @Override
  public int singlePageFlushCeiling() {
    return ceiling;
  }

  // ---- enumeration (RestrictedEntries) -------------------------------------------------------

  @Override
  public void forEachRestrictedEntry(int cpu, TlbVisitor v) {
    restricted.forEach(cpu, v);
  }

  @Override
  public void forEachRestrictedEntryIn(int cpu, long va, long pages, TlbVisitor v) {
    restricted.forEachIn(cpu, va, pages, v);
  }

  @Override
  public void forEachUnsettledRestrictedEntry(int cpu, SettlingTlbVisitor v) {
    restricted.forEachUnsettled(cpu, v);
  }

  @Override
  public void unsettle(int cpu) {
    entries.unsettle(cpu);
  }

  @Override
  public void unsettleFrames(int cpu, long[] sortedPfns, int n) {
    entries.unsettleFrames(cpu, sortedPfns, n);
  }

  @Override
  public int validEntries(int cpu) {
    return tlb.validEntries(cpu);
  }

  /** The loaded ASID of {@code cpu} (tests). */
  int loadedAsid(int cpu) {
    return s.loadedMmAsid[cpu];
  }
}
