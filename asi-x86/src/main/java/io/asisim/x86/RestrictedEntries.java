package io.asisim.x86;

import static io.asisim.x86.CpuTlbState.ctx;

import io.asisim.api.machine.SettlingTlbVisitor;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.machine.TlbVisitor;

/**
 * The TLB entries usable while restricted, as {@link TlbOps#forEachRestrictedEntry} and
 * {@link TlbOps#forEachUnsettledRestrictedEntry} enumerate them for the checker: global entries and
 * entries of a restricted PCID whose ASID is live and not stale, each named by the mm that ASID
 * holds on that CPU ({@code cpu_tlbstate.ctxs[asid].ctx_id}). Allocation-free.
 */
final class RestrictedEntries {
  /** {@link #owner}'s answer for an entry the restricted space cannot use (mm ids are >= 0). */
  private static final long NOT_RESTRICTED = -2;
  private final CpuTlbState s;
  private final TlbEntries entries;
  private final boolean asi;
  private final TlbEntries.EntrySink plainSink = this::forwardPlain;
  private final TlbEntries.EntrySink settlingSink = this::forwardSettling;
  private TlbVisitor visitor;
  private SettlingTlbVisitor settlingVisitor;

  RestrictedEntries(CpuTlbState s, TlbEntries entries, boolean asi) {
    this.s = s;
    this.entries = entries;
    this.asi = asi;
  }

  void forEach(int cpu, TlbVisitor v) {
    if (!asi) {
      return;
    }
    visitor = v;
    try {
      entries.forEachGlobalOr(cpu, X86Cr3.ASI_PCID_FLAG, plainSink); // forwardPlain() drops the rest
    } finally {
      visitor = null;
    }
  }

  void forEachUnsettled(int cpu, SettlingTlbVisitor v) {
    if (!asi) {
      return;
    }
    settlingVisitor = v;
    try {
      entries.forEachUnsettledGlobalOr(cpu, X86Cr3.ASI_PCID_FLAG, settlingSink);
    } finally {
      settlingVisitor = null;
    }
  }

  /** {@link #forEach} for the entries overlapping {@code pages} pages from {@code va} ({@link TlbEntries#forEachIn}). */
  void forEachIn(int cpu, long va, long pages, TlbVisitor v) {
    if (!asi) {
      return;
    }
    visitor = v;
    try {
      entries.forEachIn(cpu, va, pages, X86Cr3.ASI_PCID_FLAG, plainSink);
    } finally {
      visitor = null;
    }
  }

  private boolean forwardPlain(int cpu, int pcid, boolean global, long va, long pfn, int shift) {
    long mm = owner(cpu, pcid, global);
    if (mm != NOT_RESTRICTED) {
      visitor.entry(cpu, mm, va, pfn, shift);
    }
    return false;
  }

  private boolean forwardSettling(int cpu, int pcid, boolean global, long va, long pfn, int shift) {
    long mm = owner(cpu, pcid, global);
    // an entry of a dead or stale ASID is not settled: it stays invalid until its PCID is refilled
    return mm != NOT_RESTRICTED && settlingVisitor.entry(cpu, mm, va, pfn, shift);
  }

  /**
   * The mm a restricted-visible entry belongs to ({@link TlbOps#ALL_MM} for a global one), or
   * {@link #NOT_RESTRICTED} for an entry of an unrestricted PCID or of a dead or stale ASID.
   */
  private long owner(int cpu, int pcid, boolean global) {
    if (global) {
      return TlbOps.ALL_MM;
    }
    if ((pcid & X86Cr3.ASI_PCID_FLAG) != 0) {
      int a = (pcid & (X86Cr3.ASI_PCID_FLAG - 1)) - 1;
      long mm = s.ctxId[ctx(cpu, a)];
      if (mm >= 0 && !s.ctxStale[ctx(cpu, a)]) {
        return mm;
      }
    }
    return NOT_RESTRICTED;
  }
}
