package io.asisim.ephmap;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.machine.FlushTlbInfo;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import java.util.Arrays;

/**
 * {@code vmalloc}: an alias made with {@code vmap()} / {@code vunmap()} in the shared kernel area,
 * visible in every restricted address space. Models mm/vmalloc.c:
 * {@code alloc_vmap_area()} (under {@code free_vmap_area_lock}, {@code find_vmap_lowest_match()}
 * walks the augmented rb-tree of free ranges, then the area is inserted in the busy tree under
 * {@code vmap_area_lock}; each area has a guard page, so one page costs two), the PTE write of
 * {@code vmap_pages_range()}; on release {@code vunmap_range_noflush()} clears the PTE and
 * {@code free_vmap_area_noflush()} moves the area to the purge list without any flush, adding its
 * size to {@code vmap_lazy_nr}. When that exceeds {@code lazy_max_pages()} =
 * {@code fls(num_online_cpus()) * (32 MiB / PAGE_SIZE)}, {@code __purge_vmap_area_lazy()} issues
 * one {@code flush_tlb_kernel_range()} over the span of all purged areas (a full flush on every CPU
 * above {@code tlb_single_page_flush_ceiling}) and merges them back into the free tree. Until then
 * a lazily unmapped alias stays cached on every CPU that used it — the exposure this mapper shows.
 *
 * <p>Simplifications: the purge runs synchronously on the CPU whose free crossed the threshold
 * (the kernel schedules {@code drain_vmap_work}); the tree walk is charged as the depth of a
 * balanced tree of the current node count; per-node pools ({@code vmap_node}) and
 * {@code vm_map_ram()}'s per-CPU {@code vmap_block}s are not modelled.
 */
public final class VmallocMapper implements Mapper {
  /** Purges of the lazy list (one {@code flush_tlb_kernel_range()} each). */
  public static final MetricDescriptor VMAP_PURGES =
      new MetricDescriptor("vmap_purges", "count", Better.LOWER, "vmalloc lazy purges (__purge_vmap_area_lazy)");

  private static final long AREA_PAGES = 2; // the page + its guard page

  private final AddressSpaces as;
  private final TlbOps tlb;
  private final ArchPageOps arch;
  private final FlushPolicy flush;
  private final long lazyMaxPages;
  private final long lockCycles;
  private final long levelCycles;
  private final VmapFreeTree free;
  /** The purge list's hull, reused so a purge allocates nothing. */
  private final FlushTlbInfo purgeRange = new FlushTlbInfo();
  private final Counter transientMaps;
  private final Counter fallbacks;
  private final Counter purges;
  // busy areas (vmap_area_root), structure of arrays, unordered
  private long[] liveVa = new long[16];
  private long[] livePfn = new long[16];
  private long[] liveMm = new long[16];
  private int nLive;
  // purge list (vmap_purge_list)
  private long[] lazyVa = new long[16];
  private long[] lazyPfn = new long[16];
  private int nLazy;
  private long vmapLazyNr;

  /**
   * @param as the address spaces
   * @param tlb the TLBs, for the purge's {@code flush_tlb_kernel_range()}
   * @param arch where the allocator's own cycles are charged
   * @param flush the variant's flush policy (told of maps, unmaps and purges)
   * @param metrics where {@code transient_maps}, {@code transient_map_fallbacks}, {@code vmap_purges} go
   * @param nrCpus {@code num_online_cpus()}
   * @param lazyBytesPerStep 32 MiB in the kernel: {@code lazy_max_pages()} per {@code fls(ncpus)} step
   * @param lockCycles cost of taking and releasing an uncontended spinlock
   * @param levelCycles cost of visiting one rb-tree level
   */
  public VmallocMapper(AddressSpaces as, TlbOps tlb, ArchPageOps arch, FlushPolicy flush, Metrics metrics,
      int nrCpus, long lazyBytesPerStep, long lockCycles, long levelCycles) {
    this(as, tlb, arch, flush, metrics, nrCpus, lazyBytesPerStep, lockCycles, levelCycles,
        (KernelWindows.VMALLOC_ALLOC_END - AddressSpaces.VMALLOC_START) >>> 12);
  }

  /**
   * As above, with a vmalloc range of {@code rangePages} pages from {@code VMALLOC_START} (tests:
   * the real range, 2^33 pages, cannot be filled to reach {@code alloc_vmap_area()}'s overflow path).
   */
  VmallocMapper(AddressSpaces as, TlbOps tlb, ArchPageOps arch, FlushPolicy flush, Metrics metrics,
      int nrCpus, long lazyBytesPerStep, long lockCycles, long levelCycles, long rangePages) {
    this.as = as;
    this.tlb = tlb;
    this.arch = arch;
    this.flush = flush;
    this.lazyMaxPages = lazyMaxPages(nrCpus, lazyBytesPerStep);
    this.lockCycles = lockCycles;
    this.levelCycles = levelCycles;
    this.free = new VmapFreeTree(rangePages);
    this.transientMaps = metrics.counter(StandardMetrics.TRANSIENT_MAPS);
    this.fallbacks = metrics.counter(StandardMetrics.TRANSIENT_MAP_FALLBACKS);
    this.purges = metrics.counter(VMAP_PURGES);
  }

  /** {@code lazy_max_pages()}: {@code fls(ncpus) * (bytesPerStep / PAGE_SIZE)}. */
  public static long lazyMaxPages(int nrCpus, long bytesPerStep) {
    int fls = 32 - Integer.numberOfLeadingZeros(nrCpus);
    return fls * (bytesPerStep >>> 12);
  }

  /** The threshold of lazily freed pages above which a purge runs. */
  public long lazyMaxPages() {
    return lazyMaxPages;
  }

  /** {@code vmap_lazy_nr}: pages (guards included) freed lazily since the last purge. */
  public long lazyPages() {
    return vmapLazyNr;
  }

  private static long depth(long nodes) {
    return 64 - Long.numberOfLeadingZeros(nodes); // height of a balanced tree of that many nodes
  }

  /** {@code vmap()} of one page: {@code alloc_vmap_area()} + {@code vmap_pages_range()}. */
  @Override
  public long map(int cpu, long mm, long pfn) {
    arch.charge(cpu, 2 * lockCycles + (depth(free.size()) + depth(nLive + nLazy + 1)) * levelCycles);
    long off = free.allocLowest(AREA_PAGES);
    if (off < 0) {
      purge(cpu); // alloc_vmap_area(): "overflow" path purges and retries once
      off = free.allocLowest(AREA_PAGES);
      if (off < 0) {
        fallbacks.inc();
        return NO_ALIAS;
      }
    }
    long va = AddressSpaces.VMALLOC_START + (off << 12);
    if (!as.mapKernel(cpu, va, pfn)) {
      free.free(off, AREA_PAGES);
      fallbacks.inc();
      return NO_ALIAS;
    }
    if (nLive == liveVa.length) {
      liveVa = Arrays.copyOf(liveVa, nLive * 2);
      livePfn = Arrays.copyOf(livePfn, nLive * 2);
      liveMm = Arrays.copyOf(liveMm, nLive * 2);
    }
    liveVa[nLive] = va;
    livePfn[nLive] = pfn;
    liveMm[nLive] = mm;
    nLive++;
    flush.onTransientMap(cpu, mm, va, pfn);
    transientMaps.inc();
    return va;
  }

  /** {@code vunmap()}: PTE cleared, area queued lazily; purge when {@code vmap_lazy_nr > lazy_max_pages()}. */
  @Override
  public void unmap(int cpu, long mm, long va) {
    int i = 0;
    while (i < nLive && liveVa[i] != va) {
      i++;
    }
    if (i == nLive) {
      throw new IllegalArgumentException("vunmap of an address not mapped by vmap: 0x" + Long.toHexString(va));
    }
    // find_unlink_vmap_area() under vmap_area_lock, then the purge-list insert under its lock
    arch.charge(cpu, 2 * lockCycles + depth(nLive + nLazy) * levelCycles);
    long pfn = livePfn[i];
    long aliasMm = liveMm[i];
    nLive--;
    liveVa[i] = liveVa[nLive];
    livePfn[i] = livePfn[nLive];
    liveMm[i] = liveMm[nLive];
    as.unmapKernel(cpu, va);
    if (nLazy == lazyVa.length) {
      lazyVa = Arrays.copyOf(lazyVa, nLazy * 2);
      lazyPfn = Arrays.copyOf(lazyPfn, nLazy * 2);
    }
    lazyVa[nLazy] = va;
    lazyPfn[nLazy] = pfn;
    nLazy++;
    flush.onTransientUnmap(cpu, aliasMm, va, pfn);
    vmapLazyNr += AREA_PAGES;
    if (vmapLazyNr > lazyMaxPages) {
      purge(cpu);
    }
  }

  /**
   * {@code __purge_vmap_area_lazy()}: one {@code flush_tlb_kernel_range()} over {@code [min start,
   * max end)} of the purge list, then every area goes back to the free tree.
   */
  public void purge(int cpu) {
    if (nLazy == 0) {
      return;
    }
    purgeRange.reset(TlbOps.ALL_MM);
    for (int i = 0; i < nLazy; i++) {
      purgeRange.addRange(lazyVa[i], AREA_PAGES);
    }
    long startVa = purgeRange.start();
    long pages = purgeRange.pages();
    tlb.flushKernelRange(cpu, startVa, pages);
    flush.onGlobalFlush(cpu, startVa, pages);
    arch.charge(cpu, lockCycles);
    for (int i = 0; i < nLazy; i++) {
      arch.charge(cpu, depth(free.size()) * levelCycles); // merge_or_add_vmap_area_augment()
      free.free((lazyVa[i] - AddressSpaces.VMALLOC_START) >>> 12, AREA_PAGES);
    }
    nLazy = 0;
    vmapLazyNr = 0;
    purges.inc();
  }

  @Override
  public void forEachAlias(AliasVisitor v) {
    for (int i = 0; i < nLive; i++) {
      v.alias(AliasVisitor.ANY_CPU, liveMm[i], liveVa[i], livePfn[i], true);
    }
    for (int i = 0; i < nLazy; i++) {
      v.alias(AliasVisitor.ANY_CPU, AliasVisitor.ALL_MM, lazyVa[i], lazyPfn[i], false);
    }
  }

  /** Free ranges in the allocator's tree (tests). */
  int freeRanges() {
    return free.size();
  }
}
