package io.asisim.policies.flush;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.FlushPolicy;
import java.util.Arrays;

/**
 * {@code mm-global} (docs/kernel-map-mappers.md; the flush {@code ephmap_put()}'s TODO in bjackman/linux
 * mm/ephmap.c says security requires: "ensure other CPUs in the mm flush their TLBs before they
 * lose logical access to the page"). Unmaps only queue the alias on its mm; when the process may
 * lose logical access to a frame that has a queued alias (eviction, close, unmap) or exits, every
 * CPU in the mm's cpumask is flushed in one {@code flush_tlb_multi()} round covering all of the
 * mm's queued aliases at once (aggregation: at most one IPI per CPU, a full flush above
 * {@code tlb_single_page_flush_ceiling}). Access loss to a frame with nothing queued sends no IPI.
 * A slot reused on the same CPU gets the local INVLPG correctness needs, which also retires its
 * queued entry (only that CPU used a per-CPU slot).
 */
public final class MmGlobalFlushPolicy implements FlushPolicy {
  private final TlbOps tlb;
  private final CpuAliasLog log;
  private final CpuMask mask = new CpuMask();
  private final TransientFlush.Ranges ranges = new TransientFlush.Ranges();
  // queued (released, not yet flushed) aliases: structure of arrays, unordered
  private long[] qMm = new long[16];
  private long[] qVa = new long[16];
  private long[] qPfn = new long[16];
  private int[] qCpu = new int[16];
  private int queued;

  /**
   * @param tlb the machine's TLB operations
   * @param nrCpus number of CPUs
   */
  public MmGlobalFlushPolicy(TlbOps tlb, int nrCpus) {
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
    if (queued == qVa.length) {
      int n = queued * 2;
      qMm = Arrays.copyOf(qMm, n);
      qVa = Arrays.copyOf(qVa, n);
      qPfn = Arrays.copyOf(qPfn, n);
      qCpu = Arrays.copyOf(qCpu, n);
    }
    qMm[queued] = mm;
    qVa[queued] = va;
    qPfn[queued] = pfn;
    qCpu[queued] = cpu;
    queued++;
  }

  private void dequeue(int i) {
    queued--;
    qMm[i] = qMm[queued];
    qVa[i] = qVa[queued];
    qPfn[i] = qPfn[queued];
    qCpu[i] = qCpu[queued];
  }

  @Override
  public void beforeReuse(int cpu, long mm, long va) {
    if (log.removeVa(cpu, mm, va) > 0) {
      TransientFlush.local(tlb, cpu, va);
    }
    boolean mmLocal = AddressSpaces.isMmLocal(va);
    for (int i = queued - 1; i >= 0; i--) {
      if (qCpu[i] == cpu && qVa[i] == va && (!mmLocal || qMm[i] == mm)) {
        dequeue(i);
      }
    }
  }

  @Override
  public void onAccessLost(int cpu, long mm, long pfn) {
    for (int i = 0; i < queued; i++) {
      if (qMm[i] == mm && qPfn[i] == pfn) {
        flushMm(cpu, mm);
        return;
      }
    }
  }

  @Override
  public void onMmExit(int cpu, long mm) {
    flushMm(cpu, mm); // exit_mmap()'s flush_tlb_mm(): no-op when nothing is queued
    log.removeMm(mm);
  }

  /** One shootdown to the mm's cpumask per address kind, covering every queued alias of {@code mm}. */
  private void flushMm(int cpu, long mm) {
    ranges.reset(mm);
    for (int i = queued - 1; i >= 0; i--) {
      if (qMm[i] != mm) {
        continue;
      }
      ranges.add(qVa[i]);
      dequeue(i);
    }
    if (ranges.local.isEmpty() && ranges.kernel.isEmpty()) {
      return;
    }
    mask.copyFrom(tlb.mmCpumask(mm));
    mask.set(cpu);
    tlb.shootdown(cpu, mask, ranges.local); // each a no-op when nothing was gathered
    tlb.shootdown(cpu, mask, ranges.kernel);
    for (int c = mask.next(0); c >= 0 && c < log.nrCpus(); c = mask.next(c + 1)) {
      for (int i = log.size(c) - 1; i >= 0; i--) {
        if (log.mm(c, i) == mm && log.released(c, i)) {
          log.removeAt(c, i); // a live alias keeps its record: it is refilled on the next access
        }
      }
    }
  }

  @Override
  public void onLocalFullFlush(int cpu) {
    log.flushedAll(cpu);
    for (int i = queued - 1; i >= 0; i--) {
      if (qCpu[i] == cpu) {
        dequeue(i);
      }
    }
  }

  @Override
  public void onGlobalFlush(int cpu, long start, long pages) {
    log.flushedKernelRange(start, pages);
    long end = start + (pages << 12);
    for (int i = queued - 1; i >= 0; i--) {
      long va = qVa[i];
      if (!AddressSpaces.isMmLocal(va) && Long.compareUnsigned(va, start) >= 0 && Long.compareUnsigned(va, end) < 0) {
        dequeue(i);
      }
    }
  }

  @Override
  public void forEachPending(AliasVisitor visitor) {
    for (int i = 0; i < queued; i++) {
      visitor.alias(qCpu[i], qMm[i], qVa[i], qPfn[i], false);
    }
  }
}
