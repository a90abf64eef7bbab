package io.asisim.ephmap;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import java.util.Arrays;

/**
 * {@code kmap-local}: models {@code kmap_local_page()} → {@code __kmap_local_pfn_prot()},
 * {@code kunmap_local_indexed()}, {@code __kmap_local_sched_out()} and
 * {@code __kmap_local_sched_in()} of mm/highmem.c, as they behave when the page really is mapped
 * ({@code CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP}; x86-64 without ASI just returns the direct-map
 * address). The running task's mappings form a stack of at most {@code KM_MAX_IDX} = 16 slots
 * ({@code kmap_local_idx_push()}); slot {@code idx} of CPU {@code cpu} is the fixmap address
 * {@code FIX_KMAP_BEGIN + idx + KM_MAX_IDX * cpu}, in the kernel range and so shared by all
 * processes. A context switch clears the outgoing task's PTEs and the incoming task's are
 * rewritten. Clearing a PTE hands the TLB side to the {@link FlushPolicy}; the kernel's own
 * {@code arch_kmap_local_post_unmap()} → {@code flush_tlb_one_kernel()} is policy {@code local}
 * with {@code at-release}.
 */
public final class KmapLocalMapper implements Mapper {
  /** {@code KM_MAX_IDX} of include/linux/highmem-internal.h (16 with no debug option). */
  public static final int KM_MAX_IDX = 16;

  private final AddressSpaces as;
  private final FlushPolicy flush;
  private final Counter transientMaps;
  private final int[] depth;
  private final long[] stackPfn;
  private final long[] stackMm;
  // tasks switched out with mappings live, per CPU (kmap_local forbids migration, so they come back here)
  private final long[][] savedTask;
  private final int[][] savedDepth;
  private final long[][] savedPfn;
  private final long[][] savedMm;
  private final int[] nSaved;

  /**
   * @param as the address spaces; the fixmap window's page table is built here
   * @param flush the variant's flush policy
   * @param metrics where {@code transient_maps} goes
   * @param nrCpus number of CPUs
   */
  public KmapLocalMapper(AddressSpaces as, FlushPolicy flush, Metrics metrics, int nrCpus) {
    this.as = as;
    this.flush = flush;
    this.transientMaps = metrics.counter(StandardMetrics.TRANSIENT_MAPS);
    depth = new int[nrCpus];
    stackPfn = new long[nrCpus * KM_MAX_IDX];
    stackMm = new long[nrCpus * KM_MAX_IDX];
    savedTask = new long[nrCpus][2];
    savedDepth = new int[nrCpus][2];
    savedPfn = new long[nrCpus][2 * KM_MAX_IDX];
    savedMm = new long[nrCpus][2 * KM_MAX_IDX];
    nSaved = new int[nrCpus];
    for (long va = KernelWindows.KMAP_BASE; va < slotVa(nrCpus - 1, KM_MAX_IDX - 1) + 4096; va += 512L << 12) {
      if (!as.mapKernel(0, va, 0)) { // builds the PTE table, as the fixmap's is at boot
        throw new IllegalStateException("no memory for the kmap-local page tables");
      }
      as.unmapKernel(0, va);
    }
  }

  /** The fixmap address of slot {@code idx} on {@code cpu}. */
  public static long slotVa(int cpu, int idx) {
    return KernelWindows.KMAP_BASE + (((long) cpu * KM_MAX_IDX + idx) << 12);
  }

  /** {@code kmap_local_page()}: pushes a slot and maps it. Never refuses (the kernel BUGs past 16). */
  @Override
  public long map(int cpu, long mm, long pfn) {
    int idx = depth[cpu];
    if (idx >= KM_MAX_IDX) {
      throw new IllegalStateException("kmap_local_idx_push: more than " + KM_MAX_IDX + " live mappings on cpu " + cpu);
    }
    long va = slotVa(cpu, idx);
    flush.beforeReuse(cpu, mm, va);
    mapSlot(cpu, mm, idx, va, pfn);
    depth[cpu] = idx + 1;
    transientMaps.inc();
    return va;
  }

  private void mapSlot(int cpu, long mm, int idx, long va, long pfn) {
    if (!as.mapKernel(cpu, va, pfn)) {
      throw new IllegalStateException("fixmap PTE table missing");
    }
    stackPfn[cpu * KM_MAX_IDX + idx] = pfn;
    stackMm[cpu * KM_MAX_IDX + idx] = mm;
    flush.onTransientMap(cpu, mm, va, pfn);
  }

  /** {@code kunmap_local_indexed()}: pops the top slot, which must be {@code va} (mappings nest). */
  @Override
  public void unmap(int cpu, long mm, long va) {
    int idx = depth[cpu] - 1;
    if (idx < 0 || va != slotVa(cpu, idx)) {
      throw new IllegalStateException("kunmap_local out of order on cpu " + cpu + ": 0x" + Long.toHexString(va));
    }
    clearSlot(cpu, idx);
    depth[cpu] = idx;
  }

  private void clearSlot(int cpu, int idx) {
    long va = slotVa(cpu, idx);
    long pfn = as.unmapKernel(cpu, va);
    flush.onTransientUnmap(cpu, stackMm[cpu * KM_MAX_IDX + idx], va, pfn);
  }

  /** {@code __kmap_local_sched_out()}: clears every live slot of the outgoing task and saves them. */
  @Override
  public void schedOut(int cpu, long task) {
    int d = depth[cpu];
    if (d == 0) {
      return;
    }
    int k = nSaved[cpu];
    if (k == savedTask[cpu].length) {
      savedTask[cpu] = Arrays.copyOf(savedTask[cpu], k * 2);
      savedDepth[cpu] = Arrays.copyOf(savedDepth[cpu], k * 2);
      savedPfn[cpu] = Arrays.copyOf(savedPfn[cpu], k * 2 * KM_MAX_IDX);
      savedMm[cpu] = Arrays.copyOf(savedMm[cpu], k * 2 * KM_MAX_IDX);
    }
    savedTask[cpu][k] = task;
    savedDepth[cpu][k] = d;
    System.arraycopy(stackPfn, cpu * KM_MAX_IDX, savedPfn[cpu], k * KM_MAX_IDX, d);
    System.arraycopy(stackMm, cpu * KM_MAX_IDX, savedMm[cpu], k * KM_MAX_IDX, d);
    nSaved[cpu] = k + 1;
    for (int idx = 0; idx < d; idx++) {
      clearSlot(cpu, idx);
    }
    depth[cpu] = 0;
  }

  /** {@code __kmap_local_sched_in()}: rewrites the PTEs of the incoming task's live slots. */
  @Override
  public void schedIn(int cpu, long task) {
    if (depth[cpu] != 0) {
      throw new IllegalStateException("sched_in on cpu " + cpu + " with kmap_local slots of another task live");
    }
    for (int k = 0; k < nSaved[cpu]; k++) {
      if (savedTask[cpu][k] != task) {
        continue;
      }
      int d = savedDepth[cpu][k];
      for (int idx = 0; idx < d; idx++) {
        long va = slotVa(cpu, idx);
        long mm = savedMm[cpu][k * KM_MAX_IDX + idx];
        flush.beforeReuse(cpu, mm, va);
        mapSlot(cpu, mm, idx, va, savedPfn[cpu][k * KM_MAX_IDX + idx]);
      }
      depth[cpu] = d;
      int last = --nSaved[cpu];
      savedTask[cpu][k] = savedTask[cpu][last];
      savedDepth[cpu][k] = savedDepth[cpu][last];
      System.arraycopy(savedPfn[cpu], last * KM_MAX_IDX, savedPfn[cpu], k * KM_MAX_IDX, KM_MAX_IDX);
      System.arraycopy(savedMm[cpu], last * KM_MAX_IDX, savedMm[cpu], k * KM_MAX_IDX, KM_MAX_IDX);
      return;
    }
  }

  /** Live mappings of the task running on {@code cpu}. */
  public int depth(int cpu) {
    return depth[cpu];
  }

  @Override
  public void forEachAlias(AliasVisitor v) {
    for (int cpu = 0; cpu < depth.length; cpu++) {
      for (int idx = 0; idx < depth[cpu]; idx++) {
        v.alias(cpu, stackMm[cpu * KM_MAX_IDX + idx], slotVa(cpu, idx), stackPfn[cpu * KM_MAX_IDX + idx], true);
      }
    }
  }
}
