package io.asisim.x86;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.machine.TlbVisitor;

/**
 * The TLB-management code of arch/x86/mm/tlb.c over the simulated {@link Tlb}s: dynamic ASIDs
 * ({@code choose_new_asid()}, {@code TLB_NR_DYN_ASIDS} = 6 per CPU, PCID = ASID + 1 as
 * {@code kern_pcid()} computes it, the restricted space's PCID with a separate ASI bit),
 * {@code switch_mm_irqs_off()}, {@code flush_tlb_one_user/kernel()} with
 * {@code invalidate_other_asid()}, {@code flush_tlb_local()}, {@code flush_tlb_func()},
 * {@code flush_tlb_mm_range()}, {@code flush_tlb_kernel_range()}, {@code native_flush_tlb_multi()}
 * and the reclaim batch {@code arch_tlbbatch_add_pending()} / {@code arch_tlbbatch_flush()}.
 *
 * <p>Simplification: instead of per-mm {@code tlb_gen} bookkeeping, a flush aimed at an mm that a
 * CPU holds in a non-loaded ASID drops those entries at once and marks the ASID stale, so the next
 * {@code switch_mm} into it writes CR3 without NOFLUSH, as a {@code tlb_gen} mismatch would.
 * {@code tlb_flushes_local} counts flush instructions (INVLPG, INVPCID, CR3 reload for a flush);
 * the implicit flush of a CR3 write without NOFLUSH is counted in {@code cr3_writes} only.
 */
final class X86TlbOps implements TlbOps {
  /** {@code TLB_NR_DYN_ASIDS}. */
  static final int NR_DYN_ASIDS = 6;
  /** The PCID bit distinguishing the restricted (ASI) address space of an ASID. */
  static final int ASI_PCID_FLAG = 1 << 10;

  private final X86Machine m;
  private final Tlb tlb;
  private final boolean asi;
  private final int nrCpus;
  private final int ceiling;
  private final int[] loadedAsid;
  private final long[] asidMm;
  private final boolean[] asidStale;
  private final int[] nextAsid;
  private final CpuMask tmpMask = new CpuMask();
  private final CpuMask[] batchMask;
  private final long[][] batchMms;
  private final int[] batchN;
  private final boolean[] batchOverflow;
  private TlbVisitor visitor;
  private final Tlb.EntrySink restrictedSink = this::forwardRestricted;

  X86TlbOps(X86Machine m, Tlb tlb, int ceiling) {
    this.m = m;
    this.tlb = tlb;
    this.asi = m.config().asi();
    this.nrCpus = m.nrCpus();
    this.ceiling = ceiling;
    loadedAsid = new int[nrCpus];
    asidMm = new long[nrCpus * NR_DYN_ASIDS];
    java.util.Arrays.fill(asidMm, -1L);
    asidStale = new boolean[nrCpus * NR_DYN_ASIDS];
    nextAsid = new int[nrCpus];
    batchMask = new CpuMask[nrCpus];
    batchMms = new long[nrCpus][16];
    batchN = new int[nrCpus];
    batchOverflow = new boolean[nrCpus];
    for (int c = 0; c < nrCpus; c++) {
      asidMm[c * NR_DYN_ASIDS] = AddressSpaces.INIT_MM; // boot: init_mm in ASID 0
      nextAsid[c] = 1;
      batchMask[c] = new CpuMask();
    }
  }

  static int kernPcid(int asid) {
    return asid + 1;
  }

  static int asiPcid(int asid) {
    return kernPcid(asid) | ASI_PCID_FLAG;
  }

  @Override
  public int currentPcid(int cpu) {
    int asid = loadedAsid[cpu];
    return m.asiOps().isRestricted(cpu) ? asiPcid(asid) : kernPcid(asid);
  }

  private int otherPcid(int cpu) {
    int asid = loadedAsid[cpu];
    return m.asiOps().isRestricted(cpu) ? kernPcid(asid) : asiPcid(asid);
  }

  /** Writes CR3 to the loaded ASID's restricted or unrestricted space; flushes it unless NOFLUSH. */
  void writeCr3(int cpu, boolean restricted, boolean noflush) {
    int asid = loadedAsid[cpu];
    m.charge(cpu, m.costs().cr3Write);
    m.counters().cr3Writes.inc();
    if (!noflush) {
      tlb.flushPcid(cpu, restricted ? asiPcid(asid) : kernPcid(asid));
    }
  }

  // ---- switch_mm ----------------------------------------------------------------------------

  /** {@code switch_mm_irqs_off()} with {@code choose_new_asid()}. */
  void switchMm(int cpu, long mm) {
    long prev = m.loadedMm[cpu];
    if (prev == mm) {
      return;
    }
    if (m.asiOps().isRestricted(cpu)) {
      throw new IllegalStateException("switch_mm while restricted on cpu " + cpu + ": asi_exit first");
    }
    m.asiOps().handleSwitchMm(cpu);
    int base = cpu * NR_DYN_ASIDS;
    int asid = -1;
    for (int a = 0; a < NR_DYN_ASIDS; a++) {
      if (asidMm[base + a] == mm) {
        asid = a;
        break;
      }
    }
    boolean needFlush;
    if (asid >= 0) {
      needFlush = asidStale[base + asid];
    } else {
      asid = nextAsid[cpu];
      nextAsid[cpu] = asid + 1 >= NR_DYN_ASIDS ? 0 : asid + 1;
      long evicted = asidMm[base + asid];
      if (evicted >= 0) {
        m.addressSpaces().cpumask(evicted).clear(cpu); // its entries go with the flush below
      }
      asidMm[base + asid] = mm;
      needFlush = true;
    }
    if (needFlush) {
      asidStale[base + asid] = false;
      tlb.flushPcid(cpu, asiPcid(asid)); // the restricted PCID of a recycled ASID is stale too
    }
    loadedAsid[cpu] = asid;
    m.loadedMm[cpu] = mm;
    m.addressSpaces().cpumask(mm).set(cpu);
    writeCr3(cpu, false, !needFlush);
  }

  /** Drops every ASID holding {@code mm} (mm teardown). */
  void forgetMm(long mm) {
    for (int c = 0; c < nrCpus; c++) {
      for (int a = 0; a < NR_DYN_ASIDS; a++) {
        if (asidMm[c * NR_DYN_ASIDS + a] == mm) {
          tlb.flushPcid(c, kernPcid(a));
          tlb.flushPcid(c, asiPcid(a));
          asidMm[c * NR_DYN_ASIDS + a] = -1;
          asidStale[c * NR_DYN_ASIDS + a] = false;
        }
      }
    }
  }

  // ---- access -------------------------------------------------------------------------------

  @Override
  public long access(int cpu, long va, boolean write, int site) {
    int pcid = currentPcid(cpu);
    Costs k = m.costs();
    long pfn = tlb.lookup(cpu, pcid, va);
    if (pfn >= 0) {
      m.charge(cpu, k.tlbHit);
      if (write && !tlb.lastWritable) {
        return FAULT;
      }
      m.written(pfn, write);
      return pfn;
    }
    m.counters().tlbMisses.inc();
    boolean restricted = m.asiOps().isRestricted(cpu);
    PageTables pt = m.pageTables();
    int root = m.addressSpaces().root(m.loadedMm[cpu], restricted);
    pfn = pt.walk(root, va);
    m.charge(cpu, pt.lastLevels * k.walkLevel);
    if (pfn >= 0) {
      long e = pt.lastEntry;
      boolean writable = (e & Pte.RW) != 0;
      int shift = pt.lastShift;
      tlb.fill(cpu, pcid, va & -(1L << shift), shift, Pte.pfn(e), writable, (e & Pte.GLOBAL) != 0);
      if (write && !writable) {
        return FAULT;
      }
      m.written(pfn, write);
      return pfn;
    }
    if (restricted) {
      // #PF path: exc_page_fault() -> asi_exit(), return, and the access retries unrestricted
      m.charge(cpu, k.pageFault);
      m.asiOps().asiExit(cpu, AsiExitReason.PAGE_FAULT, site);
      return access(cpu, va, write, site);
    }
    return FAULT;
  }

  // ---- local flushes ------------------------------------------------------------------------

  @Override
  public void invlpg(int cpu, long va) {
    tlb.invalidate(cpu, currentPcid(cpu), va, true);
    m.charge(cpu, m.costs().invlpg);
    m.counters().tlbFlushesLocal.inc();
  }

  @Override
  public void invpcidSingle(int cpu, int pcid, long va) {
    tlb.invalidate(cpu, pcid, va, false);
    m.charge(cpu, m.costs().invpcidSingle);
    m.counters().tlbFlushesLocal.inc();
  }

  @Override
  public void invpcidAll(int cpu) {
    tlb.flushAll(cpu);
    m.charge(cpu, m.costs().invpcidAll);
    m.counters().tlbFlushesLocal.inc();
  }

  @Override
  public void flushOne(int cpu, long va) {
    invlpg(cpu, va);
    if (asi) {
      invpcidSingle(cpu, otherPcid(cpu), va);
      if (va < 0) {
        invalidateOtherAsids(cpu);
      }
    }
  }

  /** {@code invalidate_other_asid()}: kernel entries of non-loaded ASIDs go stale. */
  private void invalidateOtherAsids(int cpu) {
    int base = cpu * NR_DYN_ASIDS;
    for (int a = 0; a < NR_DYN_ASIDS; a++) {
      if (a != loadedAsid[cpu] && asidMm[base + a] >= 0 && !asidStale[base + a]) {
        dropAsid(cpu, a);
      }
    }
  }

  private void dropAsid(int cpu, int a) {
    asidStale[cpu * NR_DYN_ASIDS + a] = true;
    tlb.flushPcid(cpu, kernPcid(a));
    tlb.flushPcid(cpu, asiPcid(a));
  }

  @Override
  public void flushLocal(int cpu) {
    int asid = loadedAsid[cpu];
    tlb.flushPcid(cpu, kernPcid(asid));
    m.charge(cpu, m.costs().fullFlush);
    m.counters().tlbFlushesLocal.inc();
    if (asi) {
      tlb.flushPcid(cpu, asiPcid(asid));
      m.charge(cpu, m.costs().fullFlush);
      m.counters().tlbFlushesLocal.inc();
    }
  }

  /** {@code flush_tlb_func()} on one CPU for a range of {@code mm} (or kernel addresses). */
  private void flushFunc(int cpu, long mm, long start, long pages) {
    if (pages > ceiling) {
      if (mm == ALL_MM) {
        invpcidAll(cpu); // do_flush_tlb_all() -> __flush_tlb_all()
      } else {
        flushLocal(cpu);
      }
      return;
    }
    for (long i = 0; i < pages; i++) {
      flushOne(cpu, start + (i << 12));
    }
  }

  // ---- remote flushes -----------------------------------------------------------------------

  @Override
  public void shootdown(int cpu, CpuMask targets, long mm, long start, long pages) {
    int ipis = 0;
    for (int c = targets.next(0); c >= 0 && c < nrCpus; c = targets.next(c + 1)) {
      boolean loaded = mm == ALL_MM || m.loadedMm[c] == mm;
      if (!loaded) {
        dropMmDeferred(c, mm); // should_flush_tlb() false: caught up at the next switch_mm
        continue;
      }
      if (c != cpu) {
        ipis++;
        m.charge(c, m.costs().ipiTarget);
      }
      flushFunc(c, mm, start, pages);
    }
    if (ipis > 0) {
      m.charge(cpu, m.costs().ipiSend);
      m.counters().tlbShootdowns.inc();
      m.counters().tlbShootdownIpis.add(ipis);
    }
  }

  private void dropMmDeferred(int cpu, long mm) {
    int base = cpu * NR_DYN_ASIDS;
    for (int a = 0; a < NR_DYN_ASIDS; a++) {
      if (asidMm[base + a] == mm) {
        dropAsid(cpu, a);
      }
    }
  }

  @Override
  public void flushMmRange(int cpu, long mm, long start, long pages) {
    tmpMask.copyFrom(m.addressSpaces().cpumask(mm));
    tmpMask.set(cpu);
    if (m.loadedMm[cpu] != mm) {
      tmpMask.clear(cpu);
    }
    shootdown(cpu, tmpMask, mm, start, pages);
  }

  @Override
  public void flushKernelRange(int cpu, long start, long pages) {
    tmpMask.setFirst(nrCpus);
    shootdown(cpu, tmpMask, ALL_MM, start, pages);
  }

  @Override
  public void batchAdd(int cpu, long mm) {
    batchMask[cpu].or(m.addressSpaces().cpumask(mm));
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
    for (int c = mask.next(0); c >= 0 && c < nrCpus; c = mask.next(c + 1)) {
      if (c != cpu) {
        ipis++;
        m.charge(c, m.costs().ipiTarget);
      }
      flushLocal(c);
      int base = c * NR_DYN_ASIDS;
      for (int a = 0; a < NR_DYN_ASIDS; a++) {
        if (a != loadedAsid[c] && asidMm[base + a] >= 0 && inBatch(cpu, asidMm[base + a])) {
          dropAsid(c, a);
        }
      }
    }
    if (ipis > 0) {
      m.charge(cpu, m.costs().ipiSend);
      m.counters().tlbShootdowns.inc();
      m.counters().tlbShootdownIpis.add(ipis);
    }
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
    return m.addressSpaces().cpumask(mm);
  }

  @Override
  public int singlePageFlushCeiling() {
    return ceiling;
  }

  // ---- enumeration --------------------------------------------------------------------------

  @Override
  public void forEachRestrictedEntry(int cpu, TlbVisitor v) {
    if (!asi) {
      return;
    }
    visitor = v;
    try {
      tlb.forEach(cpu, restrictedSink);
    } finally {
      visitor = null;
    }
  }

  private void forwardRestricted(int cpu, int pcid, boolean global, long va, long pfn, int shift) {
    if (global) {
      visitor.entry(cpu, ALL_MM, va, pfn, shift);
    } else if ((pcid & ASI_PCID_FLAG) != 0) {
      int a = (pcid & (ASI_PCID_FLAG - 1)) - 1;
      long mm = asidMm[cpu * NR_DYN_ASIDS + a];
      if (mm >= 0 && !asidStale[cpu * NR_DYN_ASIDS + a]) {
        visitor.entry(cpu, mm, va, pfn, shift);
      }
    }
  }

  @Override
  public int validEntries(int cpu) {
    return tlb.validEntries(cpu);
  }

  /** The loaded ASID of {@code cpu} (tests). */
  int loadedAsid(int cpu) {
    return loadedAsid[cpu];
  }
}
