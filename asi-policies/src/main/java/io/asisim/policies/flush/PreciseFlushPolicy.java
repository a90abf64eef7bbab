package io.asisim.policies.flush;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.FlushPolicy;

/**
 * {@code precise}: tracks, per CPU, the aliases the CPU used since it last flushed them (a
 * {@link CpuAliasLog}) and, when a process loses logical access to a frame, flushes exactly the
 * CPUs that may hold a translation of that frame made for that process — one
 * {@code flush_tlb_multi()} round, so at most one IPI per such CPU. Releases cost nothing until
 * then (a stale translation of a page the process may still read is no exposure); a slot reused on
 * the same CPU gets the local INVLPG correctness needs. A design the ASI discussion asked for
 * (docs/kernel-map-mappers.md); no posted kernel code implements it.
 */
public final class PreciseFlushPolicy implements FlushPolicy {
  private final TlbOps tlb;
  private final CpuAliasLog log;
  private final CpuMask localMask = new CpuMask();
  private final CpuMask kernelMask = new CpuMask();
  private final TransientFlush.Ranges ranges = new TransientFlush.Ranges();

  /**
   * @param tlb the machine's TLB operations
   * @param nrCpus number of CPUs
   */
  public PreciseFlushPolicy(TlbOps tlb, int nrCpus) {
    this.tlb = tlb;
    this.log = new CpuAliasLog(nrCpus);
  }

  @Override
  public void onTransientMap(int cpu, long mm, long va, long pfn) {
    log.add(cpu, mm, va, pfn);
  }

  @Override
  public void onTransientUnmap(int cpu, long mm, long va, long pfn) {
    log.markReleased(cpu, mm, va);
  }

  @Override
  public void beforeReuse(int cpu, long mm, long va) {
    if (log.removeVa(cpu, mm, va) > 0) {
      TransientFlush.local(tlb, cpu, va);
    }
  }

  @Override
  public void onAccessLost(int cpu, long mm, long pfn) {
    flushMatching(cpu, mm, pfn, true);
  }

  @Override
  public void onMmExit(int cpu, long mm) {
    flushMatching(cpu, mm, 0, false);
  }

  /** Flushes and forgets the records of {@code mm} (of frame {@code pfn} only when {@code byPfn}). */
  private void flushMatching(int cpu, long mm, long pfn, boolean byPfn) {
    if (byPfn && !log.mayHold(pfn)) {
      return; // no CPU aliased the frame: nothing to gather, and an empty shootdown does nothing
    }
    localMask.clearAll();
    kernelMask.clearAll();
    ranges.reset(mm);
    for (int c = 0; c < log.nrCpus(); c++) {
      for (int i = log.size(c) - 1; i >= 0; i--) {
        if (log.mm(c, i) != mm || (byPfn && log.pfn(c, i) != pfn)) {
          continue;
        }
        long va = log.va(c, i);
        (AddressSpaces.isMmLocal(va) ? localMask : kernelMask).set(c);
        ranges.add(va);
        if (log.released(c, i)) {
          log.removeAt(c, i); // a live alias keeps its record: it is refilled on the next access
        }
      }
    }
    tlb.shootdown(cpu, localMask, ranges.local); // each a no-op when nothing was gathered
    tlb.shootdown(cpu, kernelMask, ranges.kernel);
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
