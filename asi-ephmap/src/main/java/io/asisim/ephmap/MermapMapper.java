package io.asisim.ephmap;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;

/**
 * {@code mermap}: the per-CPU bump allocator of ephemeral mappings from the mermap posting on
 * linux-mm. Each CPU owns a window of {@code region-pages} pages in the kernel range;
 * an allocation takes the next page of the window, at most {@code max-live} allocations may be live
 * per CPU (one more falls back to exit and counts {@code transient_map_fallbacks}), and releasing
 * only clears the PTE: released space is not reused until the window is exhausted, when one local
 * full flush ({@code __flush_tlb_all()}, INVPCID type 2) makes the whole window reusable. Flushes
 * are thereby amortised over a window, and released aliases stay cached on their CPU until then.
 *
 * <p>Partly modelled: the posting is not available to this project, so the window size is a
 * parameter (an estimate), the window sits in the shared kernel range (not an mm-local region),
 * and an allocation is one 4 KiB page.
 */
public final class MermapMapper implements Mapper {
  private final AddressSpaces as;
  private final TlbOps tlb;
  private final FlushPolicy flush;
  private final int regionPages;
  private final int maxLive;
  private final Counter transientMaps;
  private final Counter fallbacks;
  private final int[] next;
  private final int[] live;
  /** Frame at window page {@code cpu * regionPages + i}: mapped, or released and unflushed; -1 if clean. */
  private final long[] pagePfn;
  private final long[] pageMm;
  private final boolean[] pageLive;

  /**
   * @param as the address spaces; the windows' page tables are built here
   * @param tlb the TLBs, for the local full flush
   * @param flush the variant's flush policy
   * @param metrics where {@code transient_maps} and {@code transient_map_fallbacks} go
   * @param nrCpus number of CPUs
   * @param regionPages pages in each CPU's window
   * @param maxLive live allocations allowed per CPU
   */
  public MermapMapper(AddressSpaces as, TlbOps tlb, FlushPolicy flush, Metrics metrics, int nrCpus,
      int regionPages, int maxLive) {
    if (regionPages < maxLive) {
      throw new IllegalArgumentException("mermap window (" + regionPages + " pages) smaller than max-live " + maxLive);
    }
    this.as = as;
    this.tlb = tlb;
    this.flush = flush;
    this.regionPages = regionPages;
    this.maxLive = maxLive;
    this.transientMaps = metrics.counter(StandardMetrics.TRANSIENT_MAPS);
    this.fallbacks = metrics.counter(StandardMetrics.TRANSIENT_MAP_FALLBACKS);
    next = new int[nrCpus];
    live = new int[nrCpus];
    pagePfn = new long[nrCpus * regionPages];
    pageMm = new long[nrCpus * regionPages];
    pageLive = new boolean[nrCpus * regionPages];
    java.util.Arrays.fill(pagePfn, -1L);
    long end = va(nrCpus - 1, regionPages - 1) + 4096;
    if (Long.compareUnsigned(end, KernelWindows.KMAP_BASE) > 0) {
      throw new IllegalArgumentException("mermap windows exceed their 1 GiB range: cpus x region-pages too large");
    }
    for (long v = KernelWindows.MERMAP_BASE; Long.compareUnsigned(v, end) < 0; v += 512L << 12) {
      if (!as.mapKernel(0, v, 0)) { // build the window's PTE tables once, so mapping never allocates
        throw new IllegalStateException("no memory for the mermap page tables");
      }
      as.unmapKernel(0, v);
    }
  }

  private long va(int cpu, int page) {
    return KernelWindows.MERMAP_BASE + (((long) cpu * regionPages + page) << 12);
  }

  @Override
  public long map(int cpu, long mm, long pfn) {
    if (live[cpu] == maxLive) {
      fallbacks.inc();
      return NO_ALIAS;
    }
    int base = cpu * regionPages;
    int p = next[cpu];
    while (p < regionPages && pagePfn[base + p] >= 0) {
      // live allocations from before the last wrap keep their pages, and once released they stay
      // unusable until the next wrap: they were in use after its flush, so their old translation
      // may be cached
      p++;
    }
    if (p == regionPages) {
      // window exhausted: one local full flush makes every released page reusable
      tlb.invpcidAll(cpu);
      flush.onLocalFullFlush(cpu);
      for (int i = 0; i < regionPages; i++) {
        if (!pageLive[base + i]) {
          pagePfn[base + i] = -1;
        }
      }
      p = 0;
      while (pageLive[base + p]) {
        p++; // fewer than max-live <= region-pages pages are live, so this stops inside the window
      }
    }
    long v = va(cpu, p);
    as.mapKernel(cpu, v, pfn);
    pagePfn[base + p] = pfn;
    pageMm[base + p] = mm;
    pageLive[base + p] = true;
    live[cpu]++;
    next[cpu] = p + 1;
    flush.onTransientMap(cpu, mm, v, pfn);
    transientMaps.inc();
    return v;
  }

  @Override
  public void unmap(int cpu, long mm, long v) {
    long page = ((v - KernelWindows.MERMAP_BASE) >>> 12) - (long) cpu * regionPages;
    if (page < 0 || page >= regionPages || !pageLive[(int) (cpu * regionPages + page)]) {
      throw new IllegalArgumentException("not a live mermap allocation of cpu " + cpu + ": 0x" + Long.toHexString(v));
    }
    int i = (int) (cpu * regionPages + page);
    as.unmapKernel(cpu, v);
    pageLive[i] = false;
    live[cpu]--;
    flush.onTransientUnmap(cpu, pageMm[i], v, pagePfn[i]);
  }

  @Override
  public void forEachAlias(AliasVisitor visitor) {
    for (int i = 0; i < pagePfn.length; i++) {
      if (pagePfn[i] >= 0) {
        int cpu = i / regionPages;
        visitor.alias(cpu, pageMm[i], va(cpu, i % regionPages), pagePfn[i], pageLive[i]);
      }
    }
  }
}
