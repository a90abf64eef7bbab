package org.example.asi;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.metrics.Counter;
import java.util.Arrays;

/**
 * {@code lazy-batched}: like the kernel's batched TLB flush of reclaim
 * ({@code try_to_unmap_flush()} in mm/rmap.c, which defers the shootdown of unmapped pages and
 * sends one IPI round for the whole batch), it defers the remote flush of transient aliases to
 * pages a process lost access to until {@code batch} such pages are pending, then flushes them in
 * one shootdown per mm to every CPU that used one of them or has the mm loaded.
 *
 * <p><b>Not secure for {@code batch > 1}</b>: until the batch fills, a CPU that used an alias
 * keeps the stale translation of a page its task may no longer read — exactly the exposure the
 * checker counts. The trade it models: fewer IPIs against an exposure window of up to
 * {@code batch - 1} pages. With {@code batch = 1} it flushes on every loss of access.
 *
 * <p>A slot reused on the same CPU gets the local flush functional correctness requires
 * ({@link #beforeReuse}). State is structure-of-arrays of released aliases; nothing is allocated
 * per call once the arrays have grown.
 */
final class LazyBatchedFlushPolicy implements FlushPolicy {
  private final TlbOps tlb;
  private final int batch;
  private final Counter batches;
  private final CpuMask mask = new CpuMask();
  // released aliases a CPU may still cache: cpu, mm, va, pfn, and whether access to pfn was lost
  private int[] cpu = new int[16];
  private long[] mm = new long[16];
  private long[] va = new long[16];
  private long[] pfn = new long[16];
  private boolean[] doomed = new boolean[16];
  private int n;
  private int pending;

  LazyBatchedFlushPolicy(TlbOps tlb, int batch, Counter batches) {
    this.tlb = tlb;
    this.batch = batch;
    this.batches = batches;
  }

  @Override
  public void onTransientMap(int c, long m, long v, long p) {
    // the alias is live: nothing can be stale until it is unmapped
  }

  @Override
  public void onTransientUnmap(int c, long m, long v, long p) {
    if (n == va.length) {
      int len = n * 2;
      cpu = Arrays.copyOf(cpu, len);
      mm = Arrays.copyOf(mm, len);
      va = Arrays.copyOf(va, len);
      pfn = Arrays.copyOf(pfn, len);
      doomed = Arrays.copyOf(doomed, len);
    }
    cpu[n] = c;
    mm[n] = m;
    va[n] = v;
    pfn[n] = p;
    doomed[n] = false;
    n++;
  }

  private void remove(int i) {
    if (doomed[i]) {
      pending--;
    }
    n--;
    cpu[i] = cpu[n];
    mm[i] = mm[n];
    va[i] = va[n];
    pfn[i] = pfn[n];
    doomed[i] = doomed[n];
  }

  @Override
  public void beforeReuse(int c, long m, long v) {
    tlb.flushOne(c, v); // flush_tlb_one_kernel(): INVLPG on this CPU before the slot's new PTE
    boolean local = AddressSpaces.isMmLocal(v);
    for (int i = n - 1; i >= 0; i--) {
      if (cpu[i] == c && va[i] == v && (!local || mm[i] == m)) {
        remove(i);
      }
    }
  }

  @Override
  public void onAccessLost(int c, long m, long p) {
    for (int i = 0; i < n; i++) {
      if (mm[i] == m && pfn[i] == p && !doomed[i]) {
        doomed[i] = true;
        pending++;
      }
    }
    if (pending >= batch) {
      flushPending(c);
    }
  }

  /**
   * The process exits: its mm is destroyed right after this call, so its aliases cannot wait for a
   * batch — they are flushed now, like {@code exit_mmap()}'s own flush of the mm.
   */
  @Override
  public void onMmExit(int c, long m) {
    for (int i = 0; i < n; i++) {
      if (mm[i] == m && !doomed[i]) {
        doomed[i] = true;
        pending++;
      }
    }
    flushMm(c, m);
  }

  /** One shootdown per mm with doomed aliases. */
  private void flushPending(int c) {
    while (pending > 0) {
      for (int i = 0; i < n; i++) {
        if (doomed[i]) {
          flushMm(c, mm[i]);
          break;
        }
      }
    }
  }

  /** One shootdown of {@code target}'s doomed aliases to the CPUs that used them plus its cpumask. */
  private void flushMm(int c, long target) {
    mask.copyFrom(tlb.mmCpumask(target));
    mask.set(c);
    long lo = -1;
    long hi = 0;
    boolean any = false;
    for (int i = n - 1; i >= 0; i--) {
      if (mm[i] == target && doomed[i]) {
        any = true;
        mask.set(cpu[i]);
        lo = Long.compareUnsigned(va[i], lo) < 0 ? va[i] : lo;
        hi = Long.compareUnsigned(va[i], hi) > 0 ? va[i] : hi;
        remove(i);
      }
    }
    if (any) {
      tlb.shootdown(c, mask, target, lo, ((hi - lo) >>> 12) + 1);
      batches.inc();
    }
  }

  @Override
  public void onLocalFullFlush(int c) {
    for (int i = n - 1; i >= 0; i--) {
      if (cpu[i] == c) {
        remove(i);
      }
    }
  }

  @Override
  public void onGlobalFlush(int c, long start, long pages) {
    long end = start + (pages << 12);
    for (int i = n - 1; i >= 0; i--) {
      if (!AddressSpaces.isMmLocal(va[i]) && Long.compareUnsigned(va[i], start) >= 0 && Long.compareUnsigned(va[i], end) < 0) {
        remove(i);
      }
    }
  }

  @Override
  public void forEachPending(AliasVisitor visitor) {
    for (int i = 0; i < n; i++) {
      visitor.alias(cpu[i], mm[i], va[i], pfn[i], false);
    }
  }
}
