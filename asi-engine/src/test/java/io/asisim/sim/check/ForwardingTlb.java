package io.asisim.sim.check;

import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.machine.TlbVisitor;

/** A {@link TlbOps} that forwards every call; mutants override the calls they break. */
class ForwardingTlb implements TlbOps {
  final TlbOps t;

  ForwardingTlb(TlbOps t) {
    this.t = t;
  }

  @Override public long access(int cpu, long va, boolean write, int site) { return t.access(cpu, va, write, site); }
  @Override public void invlpg(int cpu, long va) { t.invlpg(cpu, va); }
  @Override public void invpcidSingle(int cpu, int pcid, long va) { t.invpcidSingle(cpu, pcid, va); }
  @Override public void invpcidAll(int cpu) { t.invpcidAll(cpu); }
  @Override public int currentPcid(int cpu) { return t.currentPcid(cpu); }
  @Override public void flushOne(int cpu, long va) { t.flushOne(cpu, va); }
  @Override public void flushLocal(int cpu) { t.flushLocal(cpu); }
  @Override public void flushMmRange(int cpu, long mm, long start, long pages) { t.flushMmRange(cpu, mm, start, pages); }
  @Override public void flushKernelRange(int cpu, long start, long pages) { t.flushKernelRange(cpu, start, pages); }
  @Override public void shootdown(int cpu, CpuMask targets, long mm, long start, long pages) {
    t.shootdown(cpu, targets, mm, start, pages);
  }
  @Override public void batchAdd(int cpu, long mm) { t.batchAdd(cpu, mm); }
  @Override public void batchFlush(int cpu) { t.batchFlush(cpu); }
  @Override public CpuMask mmCpumask(long mm) { return t.mmCpumask(mm); }
  @Override public int singlePageFlushCeiling() { return t.singlePageFlushCeiling(); }
  @Override public void forEachRestrictedEntry(int cpu, TlbVisitor visitor) { t.forEachRestrictedEntry(cpu, visitor); }
  @Override public void forEachRestrictedEntryIn(int cpu, long va, long pages, TlbVisitor visitor) {
    t.forEachRestrictedEntryIn(cpu, va, pages, visitor);
  }
  @Override public int validEntries(int cpu) { return t.validEntries(cpu); }
}
