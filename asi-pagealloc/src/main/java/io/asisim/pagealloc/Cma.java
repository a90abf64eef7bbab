package io.asisim.pagealloc;

import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.PageAllocator;

/**
 * The CMA area and {@code cma_alloc()} / {@code cma_release()} (mm/cma.c): a bitmap of the area's
 * pageblocks (the area's {@code order_per_bit} is pageblock order here, so a request is whole
 * pageblocks), a first-fit search for a free run, {@code alloc_contig_range()} on it
 * ({@link ContigRange}), and on {@code -EBUSY} the next run after the busy one's start, once over
 * the area; any other error ({@code -ENOMEM}: no migration target) ends the request, as
 * {@code cma_alloc()}'s {@code if (ret != -EBUSY) break;} does (the kernel retries the whole area a few times after a sleep; a simulated run has no
 * one to wait for). {@code cma_alloc_success} and {@code cma_alloc_fail} count requests, as the
 * kernel's vmstat events do; {@code cma_busy_retries} counts runs that were busy.
 *
 * <p>The posted ASI series does not integrate CMA: a range is handed out with the sensitivity its
 * pageblocks had ({@code asi_cma_sensitive_pageblocks} counts the pageblocks a device got while
 * sensitive, i.e. unmapped from the restricted direct map: every kernel access to such a buffer
 * exits ASI until something flips it; docs/deviations.md).
 */
final class Cma {
  private final int base;
  private final boolean[] used;
  private final Counter success;
  private final Counter fail;
  private final Counter busy;
  private final Counter sensitiveBlocks;

  Cma(int base, int nrPageblocks, Metrics metrics) {
    this.base = base;
    this.used = new boolean[nrPageblocks];
    this.success = metrics.counter(StandardMetrics.CMA_ALLOC_SUCCESS);
    this.fail = metrics.counter(StandardMetrics.CMA_ALLOC_FAIL);
    this.busy = metrics.counter(StandardMetrics.CMA_BUSY_RETRIES);
    this.sensitiveBlocks = metrics.counter(StandardMetrics.ASI_CMA_SENSITIVE_PAGEBLOCKS);
  }

  /** The area of {@code cfg}: its pageblocks at the top of the highest zone ({@code MmInit}); null without one. */
  static Cma area(Zone[] zones, BuddyConfig cfg, Metrics metrics) {
    int n = cfg.cmaPageblocks();
    return n == 0 ? null : new Cma(zones[zones.length - 1].endPfn - n * FrameTable.PB_PAGES, n, metrics);
  }

  /**
   * {@code cma_alloc()} of {@code nrPageblocks} pageblocks through {@code range}; the first pfn, or
   * -1 when no free run of that length is left or every one was busy.
   */
  long alloc(int cpu, int nrPageblocks, ContigRange range) {
    if (nrPageblocks < 1 || nrPageblocks > used.length) {
      throw new IllegalArgumentException("cma_alloc: " + nrPageblocks + " pageblocks (valid: 1.." + used.length
          + ", the CMA area)");
    }
    for (int start = nextFreeRun(0, nrPageblocks); start >= 0; start = nextFreeRun(start + 1, nrPageblocks)) {
      int pfn = base + start * FrameTable.PB_PAGES;
      int rc = range.alloc(cpu, pfn, pfn + nrPageblocks * FrameTable.PB_PAGES);
      if (rc == 0) {
        for (int i = 0; i < nrPageblocks; i++) {
          used[start + i] = true;
          if (range.sensitive(pfn + i * FrameTable.PB_PAGES)) {
            sensitiveBlocks.inc();
          }
        }
        success.inc();
        return pfn;
      }
      if (rc != -PageAllocator.EBUSY) {
        break; // cma_alloc() tries the next run only on -EBUSY: -ENOMEM ends it (cma_alloc_fail)
      }
      busy.inc();
    }
    fail.inc();
    return -1;
  }

  /** {@code cma_release()}: the run {@link #alloc} gave, back to the area and the buddy lists. */
  void release(int cpu, long pfn, int nrPageblocks, ContigRange range) {
    long first = pfn - base;
    if (first < 0 || first % FrameTable.PB_PAGES != 0 || first / FrameTable.PB_PAGES + nrPageblocks > used.length
        || nrPageblocks < 1) {
      throw new IllegalArgumentException("cma_release: pfn " + pfn + " x " + nrPageblocks
          + " pageblocks is not a run of the CMA area");
    }
    int b = (int) (first / FrameTable.PB_PAGES);
    for (int i = 0; i < nrPageblocks; i++) {
      if (!used[b + i]) {
        throw new IllegalStateException("cma_release: pageblock " + (b + i) + " of the CMA area is not allocated");
      }
    }
    range.free(cpu, (int) pfn, (int) pfn + nrPageblocks * FrameTable.PB_PAGES);
    for (int i = 0; i < nrPageblocks; i++) {
      used[b + i] = false;
    }
  }

  /** {@code bitmap_find_next_zero_area()}: the first run of {@code n} free pageblocks from {@code from}, or -1. */
  private int nextFreeRun(int from, int n) {
    int run = 0;
    for (int i = from; i < used.length; i++) {
      run = used[i] ? 0 : run + 1;
      if (run == n) {
        return i - n + 1;
      }
    }
    return -1;
  }
}
