package io.asisim.sim.check;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.machine.TlbVisitor;

/**
 * The TLB-coherence invariant (docs/checker.md): no TLB entry usable by a CPU running its loaded
 * address space (not lazy: {@code native_flush_tlb_multi()} skips a lazy CPU and
 * {@code switch_mm_irqs_off()} flushes before it runs the mm again) translates an address that the
 * restricted page tables now map to a <em>different</em> present frame — a flush skipped before a PTE
 * was rewritten, the bug {@code flush_tlb_*} exist to prevent.
 *
 * <p>{@link #checkAll} visits every entry of every CPU. {@link #checkChanged} reaches the same verdict
 * from the {@link ChangeLog}: an entry that was coherent can only become incoherent when the
 * translation it caches is rewritten, and every such write is logged, so it probes only the logged
 * addresses on every CPU ({@link TlbOps#forEachRestrictedEntryIn}). An incoherent entry that is not
 * judged now — its mm is not the one loaded there, or the CPU is lazy — is kept as a
 * <em>candidate</em> and probed again at every check until it is gone (flushed, refilled, its ASID
 * stale), coherent again, or judged. Not seen incrementally: an entry a TLB fills with a wrong
 * translation by itself (the model fills from a page walk), and an entry of a stale ASID that
 * becomes valid again without a flush; the periodic full check sees both.
 */
final class TlbCoherence {
  /** Candidates kept before the next check falls back to {@link #checkAll}. */
  static final int MAX_CANDIDATES = 4096;

  private final AddressSpaces as;
  private final TlbOps tlb;
  private final int nrCpus;
  private final TlbVisitor allVisitor = this::judge;
  private final TlbVisitor changedVisitor = this::changedEntry;
  private final TlbVisitor candidateVisitor = this::candidateEntry;
  private final int[] candCpu = new int[MAX_CANDIDATES];
  private final long[] candMm = new long[MAX_CANDIDATES];
  private final long[] candVa = new long[MAX_CANDIDATES];
  private int nrCandidates;
  private boolean candidatesOverflowed;
  private long[] loadedMm;
  private long changedMm;
  private long probeMm;
  private long probeVa;
  private String violation;

  TlbCoherence(Machine machine) {
    this.as = machine.addressSpaces();
    this.tlb = machine.tlb();
    this.nrCpus = machine.nrCpus();
  }

  /**
   * Every entry of every CPU that runs its loaded mm. The candidates stay: they are the entries this
   * cannot judge now (another mm's, a lazy CPU's) and {@link #checkChanged} keeps following them.
   */
  String checkAll(long[] loadedMm) {
    this.loadedMm = loadedMm;
    violation = null;
    for (int c = 0; c < nrCpus && violation == null; c++) {
      if (judged(c)) {
        tlb.forEachRestrictedEntry(c, allVisitor);
      }
    }
    return violation;
  }

  /** The entries that cache a translation {@code log} says was written, and the candidates. */
  String checkChanged(long[] loadedMm, ChangeLog log) {
    if (candidatesOverflowed) {
      // more unjudged incoherent entries than can be followed: judge everything that can be judged
      // now and start following afresh; one dropped here is seen by the next periodic full check
      nrCandidates = 0;
      candidatesOverflowed = false;
      String r = checkAll(loadedMm);
      if (r != null) {
        return r;
      }
    }
    this.loadedMm = loadedMm;
    violation = null;
    int n = nrCandidates;
    nrCandidates = 0;
    for (int i = 0; i < n && violation == null; i++) {
      probeMm = candMm[i];
      probeVa = candVa[i];
      tlb.forEachRestrictedEntryIn(candCpu[i], probeVa, 1, candidateVisitor);
    }
    for (int i = 0; i < log.nrTranslations() && violation == null; i++) {
      changedMm = log.translationMm(i);
      long va = log.translationVa(i);
      long pages = log.translationPages(i);
      for (int c = 0; c < nrCpus && violation == null; c++) {
        tlb.forEachRestrictedEntryIn(c, va, pages, changedVisitor);
      }
    }
    return violation;
  }

  private boolean judged(int cpu) {
    return loadedMm[cpu] != AddressSpaces.INIT_MM && !tlb.isLazy(cpu);
  }

  /** {@link #checkAll}: only the loaded mm's entries (and global ones) are judged. */
  private void judge(int cpu, long mm, long va, long pfn, int pageShift) {
    if (violation != null || (mm != loadedMm[cpu] && mm != TlbOps.ALL_MM)) {
      return;
    }
    long now = as.translate(loadedMm[cpu], true, va);
    if (now >= 0 && now != pfn) {
      violation = message(cpu, va, pfn, now);
    }
  }

  private void changedEntry(int cpu, long mm, long va, long pfn, int pageShift) {
    if (changedMm != TlbOps.ALL_MM && mm != TlbOps.ALL_MM && mm != changedMm) {
      return; // another mm's entry for the same address: its tables were not written
    }
    evaluate(cpu, mm, va, pfn);
  }

  private void candidateEntry(int cpu, long mm, long va, long pfn, int pageShift) {
    if (mm == probeMm && va == probeVa) {
      evaluate(cpu, mm, va, pfn);
    }
  }

  /**
   * An entry whose translation may have changed: judged now where {@link #checkAll} would judge it,
   * else a candidate while it is incoherent. A coherent or now-unmapped entry needs nothing: only a
   * later write of its translation, which is logged, can make it incoherent.
   */
  private void evaluate(int cpu, long mm, long va, long pfn) {
    if (violation != null) {
      return;
    }
    long view = mm == TlbOps.ALL_MM ? loadedMm[cpu] : mm;
    long now = view == AddressSpaces.INIT_MM ? -1 : as.translate(view, true, va);
    if (mm == TlbOps.ALL_MM && view == AddressSpaces.INIT_MM) {
      addCandidate(cpu, mm, va); // a global entry on a CPU in init_mm: judged once it loads an mm
      return;
    }
    if (now < 0 || now == pfn) {
      return;
    }
    if (judged(cpu) && (mm == loadedMm[cpu] || mm == TlbOps.ALL_MM)) {
      violation = message(cpu, va, pfn, now);
    } else {
      addCandidate(cpu, mm, va);
    }
  }

  private void addCandidate(int cpu, long mm, long va) {
    for (int i = 0; i < nrCandidates; i++) {
      if (candCpu[i] == cpu && candMm[i] == mm && candVa[i] == va) {
        return;
      }
    }
    if (nrCandidates == MAX_CANDIDATES) {
      candidatesOverflowed = true;
      return;
    }
    candCpu[nrCandidates] = cpu;
    candMm[nrCandidates] = mm;
    candVa[nrCandidates++] = va;
  }

  private String message(int cpu, long va, long pfn, long now) {
    return "TLB coherence: cpu " + cpu + " caches va 0x" + Long.toHexString(va) + " -> pfn " + pfn
        + " but the restricted page tables of mm " + loadedMm[cpu] + " now map it to pfn " + now
        + " (a flush was skipped before the PTE was rewritten)";
  }
}
