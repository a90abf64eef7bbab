package io.asisim.sim.kernel;

import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.sim.util.LongLongMap;
import java.util.Arrays;

/**
 * The hugetlb pool (mm/hugetlb.c): in-use 2 MiB pages the kernel owns, handed out by handle
 * ({@code alloc_pool_huge_folio()}, {@code update_and_free_hugetlb_folio()}), which page migration
 * may move ({@code isolate_or_dissolve_huge_folio()} → {@code isolate_hugetlb()} in
 * {@code alloc_contig_range()}, {@code do_migrate_range()} when a memory block goes offline) and
 * which then keep their handle.
 *
 * <p>Allocated with {@code htlb_alloc_mask()} of a migratable hstate
 * ({@code hugepage_movable_supported()}: 2 MiB pages on x86), {@code GFP_HIGHUSER_MOVABLE}, with
 * {@code __GFP_COMP}; {@code alloc_buddy_hugetlb_folio()}'s {@code __GFP_NOWARN} and
 * {@code __GFP_THISNODE} change nothing on this one-node machine, and its
 * {@code __GFP_RETRY_MAYFAIL} is left out (docs/deviations.md). Who maps the pages is not
 * simulated (the pool stands for other tenants of the machine), so a migration copies the 512 pages
 * and flushes no user translation. Not modelled: free and surplus pages, reservations,
 * {@code hugetlbfs}, demotion, HVO ({@code hugetlb_vmemmap_optimize}).
 */
final class Hugetlb {
  static final int ORDER = HugeMemory.HPAGE_PMD_ORDER;
  static final int GFP = Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_COMP;

  private final PageAllocator allocator;
  /** The head frame of each handle's page; -1 for a handle freed and not yet reused. */
  private long[] pfns = new long[64];
  private int nrHandles;
  private int[] freeHandles = new int[16];
  private int nrFreeHandles;
  /** Head frame to handle, for page migration. */
  private final LongLongMap handleOf = new LongLongMap(64);

  Hugetlb(PageAllocator allocator) {
    this.allocator = allocator;
  }

  /** A new in-use huge page on {@code cpu}: its handle (the last one freed first), or -1. */
  int alloc(int cpu) {
    long pfn = allocator.alloc(cpu, ORDER, GFP);
    if (pfn < 0) {
      return -1;
    }
    int h;
    if (nrFreeHandles > 0) {
      h = freeHandles[--nrFreeHandles];
    } else {
      if (nrHandles == pfns.length) {
        pfns = Arrays.copyOf(pfns, 2 * nrHandles);
      }
      h = nrHandles++;
    }
    pfns[h] = pfn;
    handleOf.put(pfn, h);
    return h;
  }

  /** Frees the page of {@code handle}. */
  void free(int cpu, int handle) {
    if (handle < 0 || handle >= nrHandles || pfns[handle] < 0) {
      throw new IllegalArgumentException("no hugetlb page " + handle);
    }
    allocator.free(cpu, pfns[handle], ORDER);
    handleOf.remove(pfns[handle]);
    pfns[handle] = -1;
    if (nrFreeHandles == freeHandles.length) {
      freeHandles = Arrays.copyOf(freeHandles, 2 * nrFreeHandles);
    }
    freeHandles[nrFreeHandles++] = handle;
  }

  /** The head frame of the page of {@code handle}. */
  long pfnOf(int handle) {
    return pfns[handle];
  }

  /** Whether {@code pfn} is the head of an in-use huge page ({@code folio_test_hugetlb()}). */
  boolean isHead(long pfn) {
    return handleOf.size() > 0 && handleOf.get(pfn) != LongLongMap.ABSENT;
  }

  /** {@code move_hugetlb_state()}: the handle of the page at {@code src} now names {@code dst}. */
  void migrated(long src, long dst) {
    int h = (int) handleOf.remove(src);
    pfns[h] = dst;
    handleOf.put(dst, h);
  }
}
