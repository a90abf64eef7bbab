package io.asisim.sim.kernel;

import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;
import io.asisim.api.mm.PageAllocator;

/**
 * Reclaim of clean page cache (mm/vmscan.c) and the order-0 allocation that wakes it: below the low
 * mark a batch is reclaimed first (kswapd's work, done synchronously), and an allocation that fails
 * reclaims a larger batch and retries once ({@code __alloc_pages_direct_reclaim()}) before it counts
 * as out of memory. Only clean evictable page cache is reclaimable (no swap, no dirty writeback).
 */
final class Vmscan {
  /** {@code SWAP_CLUSTER_MAX}: pages reclaimed per round. */
  static final int RECLAIM_BATCH = 32;

  private final Machine machine;
  private final PageAllocator allocator;
  private final PageCache cache;
  private final TaskTable tasks;
  private final AsiPlugins plugins;
  private final Counter evictions;
  private final Counter oomEvents;
  private final long reclaimLow;

  Vmscan(Machine machine, PageAllocator allocator, PageCache cache, TaskTable tasks, AsiPlugins plugins,
      KernelCounters counters) {
    this.machine = machine;
    this.allocator = allocator;
    this.cache = cache;
    this.tasks = tasks;
    this.plugins = plugins;
    this.evictions = counters.evictions();
    this.oomEvents = counters.oomEvents();
    this.reclaimLow = Math.max(allocator.reclaimWatermark(), lowWatermarkPages(machine.nrFrames()));
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

  /** Free pages below which reclaim runs before an allocation. */
  long reclaimLow() {
    return reclaimLow;
  }

  /** An order-0 user or page-cache page ({@code gfp}), reclaiming below the low mark first; -1 if none. */
  long allocUserPage(int cpu, int gfp) {
    if (allocator.freePages() < reclaimLow) {
      shrink(cpu, RECLAIM_BATCH);
    }
    long pfn = allocator.alloc(cpu, 0, gfp);
    if (pfn < 0) {
      shrink(cpu, RECLAIM_BATCH * 4);
      pfn = allocator.alloc(cpu, 0, gfp);
      if (pfn < 0) {
        oomEvents.inc();
      }
    }
    return pfn;
  }

  /** {@code shrink_folio_list()} on up to {@code nr} clean evictable page-cache pages. */
  private void shrink(int cpu, int nr) {
    for (int k = 0; k < nr; k++) {
      long code = cache.nextVictim();
      if (code < 0) {
        return;
      }
      int file = PageCache.fileOf(code);
      long pfn = cache.remove(file, PageCache.indexOf(code));
      // every process with the file open loses read() access to this page
      for (int pid = 0; pid < tasks.pidLimit(); pid++) {
        if (tasks.mm(pid) != null && tasks.hasOpen(pid, file)) {
          plugins.accessLost(cpu, tasks.mm(pid).mm, pfn);
        }
      }
      machine.charge(cpu, KernelCosts.RECLAIM_PER_PAGE);
      evictions.inc();
      allocator.free(cpu, pfn, 0);
    }
  }
}
