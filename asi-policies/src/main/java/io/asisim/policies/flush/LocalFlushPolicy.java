package io.asisim.policies.flush;

import io.asisim.api.machine.TlbOps;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.FlushPolicy;

/**
 * {@code local}: only the CPU that unmaps an alias ever flushes it, with a local flush of the
 * address ({@link TransientFlush#local}: an ephmap alias as ephmap_put() flushes it) and no IPI (docs/kernel-map-mappers.md). By default the
 * flush is issued when the CPU next reuses the alias's address —
 * the functional minimum for a CPU-local mapping ({@code ephmap_put()}'s TODO in bjackman/linux
 * mm/ephmap.c proposes batching flushes this way) — so a translation the CPU cached stays
 * reachable after the process loses access, which is the exposure this policy exists to show. With
 * {@code at-release} the flush is issued in {@link #onTransientUnmap}, as the posted
 * {@code ephmap_put()} does. Nothing is flushed when access is lost or the mm exits.
 */
public final class LocalFlushPolicy implements FlushPolicy {
  private final TlbOps tlb;
  private final boolean atRelease;
  private final CpuAliasLog log;

  /**
   * @param tlb the machine's TLB operations
   * @param nrCpus number of CPUs
   * @param atRelease INVLPG in {@code onTransientUnmap} instead of before reuse
   */
  public LocalFlushPolicy(TlbOps tlb, int nrCpus, boolean atRelease) {
    this.tlb = tlb;
    this.atRelease = atRelease;
    this.log = new CpuAliasLog(nrCpus);
  }

  @Override
  public void onTransientMap(int cpu, long mm, long va, long pfn) {
    log.add(cpu, mm, va, pfn);
  }

  @Override
  public void onTransientUnmap(int cpu, long mm, long va, long pfn) {
    if (atRelease) {
      TransientFlush.local(tlb, cpu, va);
      log.removeVa(cpu, mm, va);
    } else {
      log.markReleased(cpu, mm, va);
    }
  }

  @Override
  public void beforeReuse(int cpu, long mm, long va) {
    if (log.removeVa(cpu, mm, va) > 0) {
      TransientFlush.local(tlb, cpu, va);
    }
  }

  @Override
  public void onAccessLost(int cpu, long mm, long pfn) {
    // local flushing never reaches other CPUs, and the releasing CPU already did its part
  }

  @Override
  public void onMmExit(int cpu, long mm) {
    log.removeMm(mm); // entries tagged with the dead mm's ASIDs go with the mm (mmDestroy)
  }

  @Override
  public void onLocalFullFlush(int cpu) {
    log.flushedAll(cpu);
  }

  @Override
  public void onGlobalFlush(int cpu, long start, long pages) {
    log.flushedKernelRange(start, pages);
  }

  @Override
  public void forEachPending(AliasVisitor visitor) {
    log.forEachReleased(visitor);
  }
}
