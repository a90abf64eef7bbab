package io.asisim.sim.kernel;

import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.PageOrder;
import io.asisim.sim.util.LongLongMap;

/**
 * Reclaim of clean page cache (mm/vmscan.c) and the order-0 allocation that wakes it. An allocation
 * that finds free memory below the wake-up mark wakes kswapd ({@code wakeup_kswapd()}), a kernel
 * thread that runs on another CPU (the least-loaded one; the allocating CPU only on a one-CPU
 * machine) on that CPU's borrowed mm and reclaims in {@code SWAP_CLUSTER_MAX} batches until free
 * memory is back at the high watermark ({@code balance_pgdat()}). An allocation that fails
 * reclaims a larger batch itself (for a costly order, until compaction could go ahead) and retries
 * once ({@code __alloc_pages_direct_reclaim()}) before it counts as out of memory (a costly or
 * {@code __GFP_NORETRY} one never does: its caller falls back). Only clean evictable page cache is
 * reclaimable (no swap, no dirty writeback).
 *
 * <p>kswapd is woken where the kernel wakes it: when an allocation misses the low watermark of
 * every zone it may use ({@code wake_all_kswapds()} in {@code __alloc_pages_slowpath()}, reported
 * by {@code PageAllocator.takeKswapdWakeup()}), and when an allocation fails; it reclaims until some
 * zone the waking request may use is above its high watermark, lowmem reserve included
 * ({@code balance_pgdat()} until {@code pgdat_balanced()}), at least one batch; a node that is
 * balanced with no zone boosted is left alone ({@code wakeup_kswapd()}), and kswapd woken for a
 * boost wakes kcompactd at pageblock order when it is done. The page cache is
 * not per zone, so a batch reclaims from every zone at once (docs/deviations.md). An allocator
 * without watermarks wakes it below the default low watermark.
 */
final class Vmscan {
  /** {@code SWAP_CLUSTER_MAX}: pages reclaimed per round. */
  static final int RECLAIM_BATCH = PageOrder.SWAP_CLUSTER_MAX;

  private final Machine machine;
  private final PageAllocator allocator;
  private final PageCache cache;
  private final TaskTable tasks;
  private final AsiPlugins plugins;
  private final Counter evictions;
  private final Counter oomEvents;
  private final Counter kswapdWakeups;
  /** The /proc/vmstat reclaim counters, indexed as {@link KernelCounters} says. */
  private final Counter[] vmscan;
  private final Sched sched;
  /**
   * For an allocator without watermarks (which reports no kswapd wake-ups): free pages below which
   * an allocation wakes kswapd; 0 otherwise.
   */
  private final long reclaimLow;
  /** The default low watermark of an allocator without watermarks (its kswapd target otherwise: the floor). */
  private final long reclaimFloor;
  private final java.util.function.IntConsumer balancePgdat = this::balancePgdat;
  private boolean kswapdRunning;
  /** {@code pgdat->kswapd_highest_zoneidx}: the highest zone the request that woke kswapd may use. */
  private int kswapdHighestZoneIdx;
  /** {@code pgdat->kswapd_order}: the order of the request that woke kswapd, read and cleared by {@link #balancePgdat}. */
  private int kswapdOrder;
  /** Set by {@link #balancePgdat} when kswapd goes to sleep after a high-order wakeup: kcompactd's order. */
  private int kcompactdOrder;
  private final Kcompactd kcompactd;
  private KernelSlab slab;
  /** {@code pgdat->kswapd_failures}: consecutive kswapd runs that reclaimed nothing. */
  private int kswapdFailures;
  /** {@code MAX_RECLAIM_RETRIES}. */
  static final int MAX_RECLAIM_RETRIES = 16;

  Vmscan(Machine machine, PageAllocator allocator, PageCache cache, TaskTable tasks, AsiPlugins plugins,
      KernelCounters counters, Sched sched) {
    this.machine = machine;
    this.allocator = allocator;
    this.cache = cache;
    this.tasks = tasks;
    this.plugins = plugins;
    this.evictions = counters.evictions();
    this.oomEvents = counters.oomEvents();
    this.kswapdWakeups = counters.kswapdWakeups();
    this.vmscan = counters.vmscan();
    this.sched = sched;
    this.kcompactd = new Kcompactd(machine, allocator, sched);
    this.reclaimLow = allocator.reclaimWatermark() > 0 ? 0 : lowWatermarkPages(machine.nrFrames());
    this.reclaimFloor = lowWatermarkPages(machine.nrFrames());
  }

  /**
   * Lower bound of when reclaim starts, for allocators without watermarks: the kernel's default low
   * watermark, {@code min_free_kbytes * 5/4} with
   * {@code min_free_kbytes = sqrt(lowmem_kbytes * 16)} clamped to 128..262144 KiB
   * ({@code calculate_min_free_kbytes()} and {@code __setup_per_zone_wmarks()} with the default
   * {@code watermark_scale_factor}; kswapd's finer per-zone marks are not modelled).
   */
  static long lowWatermarkPages(long frames) {
    long kbytes = frames * 4;
    long minFree = Math.max(128, Math.min(262_144, (long) Math.sqrt((double) kbytes * 16)));
    return (minFree + minFree / 4) / 4;
  }

  /** Reclaim frees the radix-tree nodes of the pages it evicts: {@code slab}'s (called once, by {@link KernelInit}). */
  void attachSlab(KernelSlab s) {
    this.slab = s;
  }

  /** Free pages reclaim restores (the sum of the high watermarks, or the default low mark). */
  long reclaimHigh() {
    return Math.max(allocator.reclaimWatermark(), reclaimFloor); // with the zones' watermark boosts
  }

  /** An order-0 user or page-cache page ({@code gfp}), waking kswapd below the mark first; -1 if none. */
  long allocUserPage(int cpu, int gfp) {
    return allocPages(cpu, 0, gfp);
  }

  /**
   * A block of {@code order} with {@code gfp} (user pages, page cache, slab pages): kswapd is woken
   * below the mark only if the mask has {@code __GFP_KSWAPD_RECLAIM}, and a failed request reclaims
   * directly only if it has {@code __GFP_DIRECT_RECLAIM} (SLUB's first, high-order attempt has
   * neither: {@code allocate_slab()}); -1 if none. A request that may not reclaim and fails is not
   * out of memory: its caller falls back.
   */
  long allocPages(int cpu, int order, int gfp) {
    boolean kswapd = (gfp & Gfp.__GFP_KSWAPD_RECLAIM) != 0;
    int highest = Gfp.gfpZone(gfp);
    if (kswapd && allocator.zoneFreePages() < reclaimLow) {
      wakeupKswapd(cpu, order, highest, gfp);
    }
    long pfn = allocator.alloc(cpu, order, gfp);
    // the slow path may have given up before reclaim (a costly __GFP_NORETRY request): no retry
    boolean noReclaim = pfn < 0 && allocator.takeNoReclaim();
    if (kswapd && allocator.takeKswapdWakeup()) { // a request that may not wake kswapd leaves it pending
      wakeupKswapd(cpu, order, highest, gfp); // the request missed every zone's low watermark
    }
    if (pfn < 0 && kswapd && !noReclaim) {
      // even the min watermark failed: kswapd first, then direct reclaim
      wakeupKswapd(cpu, order, highest, gfp);
      pfn = allocator.alloc(cpu, order, gfp);
      noReclaim = pfn < 0 && allocator.takeNoReclaim();
    }
    if (pfn < 0 && (gfp & Gfp.__GFP_DIRECT_RECLAIM) != 0 && !noReclaim) {
      vmscan[allocstall(gfp)].inc(); // __perform_reclaim(): this allocation stalls in reclaim
      if (directReclaim(cpu, order, highest) > 0) {
        kswapdFailures = 0; // direct reclaim made progress: kswapd may try again
      }
      // the retry after reclaim, which compacts synchronously when the allocator compacts
      pfn = allocator.allocAfterReclaim(cpu, order, gfp);
      if (pfn < 0 && order <= PageOrder.PAGE_ALLOC_COSTLY_ORDER
          && (gfp & (Gfp.__GFP_NORETRY | Gfp.__GFP_RETRY_MAYFAIL)) == 0) {
        // __alloc_pages_may_oom(): only a request the OOM killer would be called for; a costly
        // or __GFP_NORETRY one (a THP fault, SLUB's high order) fails and its caller falls back
        oomEvents.inc();
      }
    }
    return pfn;
  }

  /**
   * {@code try_to_free_pages()} for a request of {@code order}: a batch of {@code 4 *
   * SWAP_CLUSTER_MAX}; then, for a costly order (reclaim/compaction mode, {@code in_reclaim_compaction()}),
   * more batches while {@code should_continue_reclaim()} says so: the last batch freed something,
   * no zone could take the request or compact for it yet
   * ({@code PageAllocator.compactionWouldGoAhead}), and more file pages than {@code compact_gap()}
   * are left on the LRU. The pages evicted.
   */
  private int directReclaim(int cpu, int order, int highestZoneIdx) {
    int total = shrink(cpu, RECLAIM_BATCH * 4, false);
    if (order <= PageOrder.PAGE_ALLOC_COSTLY_ORDER) {
      return total;
    }
    int n = total;
    while (n > 0 && !allocator.compactionWouldGoAhead(order, highestZoneIdx) && cache.nrEvictable() > (2L << order)) {
      n = shrink(cpu, RECLAIM_BATCH, false);
      total += n;
    }
    return total;
  }

  /** Frees an order-0 page allocated by {@link #allocUserPage}. */
  void freeUserPage(int cpu, long pfn) {
    allocator.free(cpu, pfn, 0);
  }

  /**
   * {@code wakeup_kswapd()} from an allocation of {@code order} on {@code cpu}: kswapd runs on the
   * least-loaded other CPU ({@code select_task_rq()} of the woken kthread; on one CPU, this one, in
   * the middle of the allocating system call) and sleeps again when done
   * ({@code kswapd_try_to_sleep()}), waking kcompactd if it was woken for a high order. A high-order
   * request that finds the node balanced (free memory above the marks, but no free block of its
   * order) wakes kcompactd instead, unless it compacts directly itself.
   */
  private void wakeupKswapd(int cpu, int order, int highestZoneIdx, int gfp) {
    // a node kswapd failed MAX_RECLAIM_RETRIES times on is left alone (kswapd_test_hopeless()), and
    // so is a balanced node without a watermark boost, at any order: kswapd would find nothing to do
    boolean hopeless = kswapdFailures >= MAX_RECLAIM_RETRIES;
    if (hopeless || balanced(order, highestZoneIdx) && !allocator.pgdatWatermarkBoosted(highestZoneIdx)) {
      if (order > 0 && (gfp & Gfp.__GFP_DIRECT_RECLAIM) == 0 && !kswapdRunning) {
        kcompactd.wakeup(cpu, order, highestZoneIdx, gfp); // free memory there, maybe too fragmented
      }
      return;
    }
    if (kswapdRunning) {
      return;
    }
    kswapdRunning = true;
    kswapdOrder = order; // kswapd runs at once below: no other waker can raise it first
    kswapdHighestZoneIdx = highestZoneIdx;
    kswapdWakeups.inc();
    int target = sched.leastLoadedOtherCpu(cpu);
    sched.runKthread(target, balancePgdat, target != cpu);
    kswapdRunning = false;
    if (kcompactdOrder > 0) { // kswapd_try_to_sleep() → wakeup_kcompactd()
      int o = kcompactdOrder;
      kcompactdOrder = 0;
      kcompactd.wakeup(cpu, o, highestZoneIdx, gfp);
    }
  }

  /** The kernel's own shrinkers ({@code register_shrinker()}), run after the allocator's in every round. */
  private final java.util.List<java.util.function.IntConsumer> shrinkers = new java.util.ArrayList<>();

  /** {@code shrinker_register()}: {@code s} runs on the reclaiming CPU in every reclaim round. */
  void registerShrinker(java.util.function.IntConsumer s) {
    shrinkers.add(s);
  }

  /** kcompactd, which kswapd wakes. */
  Kcompactd kcompactd() {
    return kcompactd;
  }

  /**
   * {@code balance_pgdat()}: reclaim in batches until {@code pgdat_balanced()}: some zone up to the
   * waker's highest zone is above its high mark ({@code PageAllocator.pgdatBalanced}; for an
   * allocator without watermarks, the zones' free total above the default mark), with a free block
   * of kswapd's order until it has reclaimed {@code compact_gap()} for it, then at order 0
   * ({@code kswapd_shrink_node()}); balanced after a high-order wakeup, it wakes kcompactd.
   */
  private void balancePgdat(int cpu) {
    machine.charge(cpu, KernelCosts.KSWAPD_ROUND);
    int order = kswapdOrder;
    kswapdOrder = 0; // kswapd reads and clears pgdat->kswapd_order
    int highest = kswapdHighestZoneIdx;
    // the boost found at the start (zone_boosts[]): with none, a balanced node is not reclaimed
    // ("if (!nr_boost_reclaim && balanced) goto out"), and kswapd_failures stays as it was
    boolean boosted = allocator.pgdatWatermarkBoosted(highest);
    int reclaimOrder = order;
    if (boosted || !balanced(reclaimOrder, highest)) {
      int total = 0;
      int n;
      do {
        n = shrink(cpu, RECLAIM_BATCH, true);
        total += n;
        if (reclaimOrder > 0 && total >= 2L << reclaimOrder) {
          reclaimOrder = 0; // enough for compaction: balance at order 0 and leave the rest to kcompactd
        }
      } while (n > 0 && !balanced(reclaimOrder, highest));
      kswapdFailures = total == 0 ? kswapdFailures + 1 : 0;
    }
    // balance_pgdat()'s end: the boost it found is taken off, balanced or not (boosts added while
    // it ran are dropped too here; the kernel keeps those), and kcompactd is woken at pageblock
    // order to defragment what the boosted reclaim freed
    allocator.resetWatermarkBoost();
    if (boosted) {
      kcompactdOrder = Math.max(kcompactdOrder, PageOrder.PAGEBLOCK_ORDER);
    }
    // asked again after the boost is off: prepare_kswapd_sleep() judges the unboosted marks
    if (order > 0 && balanced(reclaimOrder, highest)) {
      kcompactdOrder = Math.max(kcompactdOrder, order); // wakeup_kcompactd(alloc_order): the larger wins
    }
  }

  /**
   * {@code pgdat_balanced()} at {@code order} up to {@code highestZoneIdx}; for an allocator without
   * watermarks, the zones' free total above the default mark (at order 0 only).
   */
  private boolean balanced(int order, int highestZoneIdx) {
    if (allocator.reclaimWatermark() > 0) {
      return allocator.pgdatBalanced(order, highestZoneIdx);
    }
    return order == 0 && allocator.zoneFreePages() >= reclaimFloor;
  }

  /**
   * {@code reclaim_clean_pages_from_list()} for one page {@code alloc_contig_range()} isolated: a
   * disk file's page-cache page no mm maps leaves the cache as {@link #shrink} evicts one
   * ({@code shrink_folio_list()} with {@code ignore_references}: a referenced page goes too;
   * {@code pagecache_evictions}, no {@code pgsteal_*}, which only {@code shrink_inactive_list()}
   * counts); the caller frees the frame. The page cache here is always clean. A mapped page is
   * left to migration: the kernel would unmap it ({@code may_unmap}), this reclaim never unmaps
   * (docs/deviations.md). False if the page is not dropped.
   */
  boolean reclaimClean(int cpu, long pfn) {
    long code = cache.ownerOf(pfn);
    if (code == LongLongMap.ABSENT) {
      return false;
    }
    int file = PageCache.fileOf(code);
    long index = PageCache.indexOf(code);
    if (!cache.evictable(file) || cache.mapcount(file, index) > 0) {
      return false; // a tmpfs page is swap-backed, not on the file LRU (folio_is_file_lru()): it is migrated
    }
    dropFromCache(cpu, file, index);
    machine.charge(cpu, KernelCosts.RECLAIM_PER_PAGE);
    evictions.inc();
    return true;
  }

  /**
   * {@code __filemap_remove_folio()} of page {@code index} of {@code file}, which no mm maps: out of
   * the cache and its xarray, every process with the file open losing access to the frame, which is
   * returned (the caller frees it).
   */
  long dropFromCache(int cpu, int file, long index) {
    long pfn = cache.remove(file, index);
    slab.pageCacheRemoved(cpu, file, index);
    plugins.fileAccessLost(cpu, tasks, file, pfn);
    return pfn;
  }

  /**
   * One reclaim round ({@code shrink_node()}): {@code shrink_folio_list()} on up to {@code nr} clean
   * evictable page-cache pages, then the allocator's shrinkers; the number of pages evicted.
   */
  private int shrink(int cpu, int nr, boolean kswapd) {
    int k = 0;
    for (; k < nr; k++) {
      long code = cache.nextVictim();
      if (code < 0) {
        break;
      }
      int file = PageCache.fileOf(code);
      long index = PageCache.indexOf(code);
      // __filemap_remove_folio(): the kernel leaves a shadow entry (workingset_eviction()) that keeps
      // the node until the shadow shrinker runs; here the slot empties at once (docs/deviations.md)
      long pfn = dropFromCache(cpu, file, index);
      machine.charge(cpu, KernelCosts.RECLAIM_PER_PAGE);
      evictions.inc();
      allocator.free(cpu, pfn, 0);
    }
    allocator.shrinkSlab(cpu); // shrink_node(): the LRU batch, then shrink_slab()
    for (int i = 0; i < shrinkers.size(); i++) { // (indexed: no iterator per round)
      shrinkers.get(i).accept(cpu);
    }
    vmscan[kswapd ? KernelCounters.PGSCAN_KSWAPD : KernelCounters.PGSCAN_DIRECT].add(cache.takeScanned());
    vmscan[kswapd ? KernelCounters.PGSTEAL_KSWAPD : KernelCounters.PGSTEAL_DIRECT].add(k);
    return k;
  }

  /**
   * The {@code allocstall_*} counter of a request: its highest zone ({@code gfp_zone()}:
   * {@code __GFP_HIGHMEM|__GFP_MOVABLE} is ZONE_MOVABLE, which the kernel counts even when that
   * zone is empty).
   */
  private static int allocstall(int gfp) {
    if ((gfp & Gfp.__GFP_DMA) != 0) {
      return KernelCounters.ALLOCSTALL_DMA;
    }
    if ((gfp & Gfp.__GFP_DMA32) != 0) {
      return KernelCounters.ALLOCSTALL_DMA32;
    }
    boolean movable = (gfp & (Gfp.__GFP_HIGHMEM | Gfp.__GFP_MOVABLE)) == (Gfp.__GFP_HIGHMEM | Gfp.__GFP_MOVABLE);
    return movable ? KernelCounters.ALLOCSTALL_MOVABLE : KernelCounters.ALLOCSTALL_NORMAL;
  }
}
