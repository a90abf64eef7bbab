package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_CMA;
import static io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE;

import io.asisim.api.machine.PfnRange;
import io.asisim.api.mm.PageAllocator;
import java.util.BitSet;

/**
 * The page allocator's half of memory hotplug, mm/memory_hotplug.c: {@code offline_pages()} and
 * {@code online_pages()} over a memory block (whole pageblocks of one zone). The direct map is the
 * caller's ({@code arch_remove_memory()} after a successful offline, {@code arch_add_memory()}
 * before an online: the engine's {@code MemoryBlocks}).
 *
 * <p>Offline: {@code test_pages_in_a_zone()} (-EINVAL across zones), then the isolation and
 * migration loop of {@code alloc_contig_range()} ({@link ContigRange#alloc}:
 * {@code start_isolate_page_range()} with MIGRATE_ISOLATE, {@code drain_all_pages()}, the movable
 * pages migrated out by the kernel's page migration, {@code test_pages_isolated()}, and
 * {@code undo_isolate_page_range()} on failure) — {@code offline_pages()} runs the same steps
 * ({@code scan_movable_pages()}, {@code do_migrate_range()}). The kernel retries the migration of
 * movable pages until a signal ends the writer of the sysfs {@code state} file; here the retry is
 * {@link ContigRange#MAX_TRIES} passes, after which the offline fails with -EBUSY, as it does at
 * once for an unmovable page (a slab, page-table or boot-reserved page, a block a workload holds
 * by pfn; THP folios move whole or split, as for {@code alloc_contig_range()}) and for a CMA pageblock ({@code has_unmovable_pages()} with
 * {@code MEMORY_OFFLINE}). The pages then leave the zone ({@code adjust_managed_page_count()}) and
 * {@code init_per_zone_wmark_min()} recomputes {@code min_free_kbytes}, the watermarks, the lowmem
 * reserves and the pcp sizes. Offline frames stay allocated blocks of this class (their memmap
 * would be gone in the kernel) and the zone keeps its span ({@code shrink_zone_span()} is not
 * modelled).
 *
 * <p>Online: the block's pageblocks are initialised as {@code memmap_init_range()} does for new
 * memory — MIGRATE_MOVABLE and, under ASI, sensitive (not in the restricted map) — and its pages
 * enter the zone they left as free buddy pages ({@code online_pages_range()} →
 * {@code generic_online_page()} → {@code __free_pages_core()}); watermarks recomputed. The model's
 * zones have fixed spans, so a block returns to its own zone (the kernel's
 * {@code online_policy}/{@code online_movable} choice of zone is not modelled: docs/deviations.md).
 */
final class MemoryHotplug {
  private final BuddyAllocator a;
  /** Offline pageblocks, by pageblock index. */
  private final BitSet offline = new BitSet();

  MemoryHotplug(BuddyAllocator a) {
    this.a = a;
  }

  /** Whether the pageblock of {@code pfn} is offline. */
  boolean isOffline(int pfn) {
    return offline.get(pfn >>> FrameTable.PB_ORDER);
  }

  /** {@code offline_pages()}: 0, {@code -EBUSY} (isolation undone) or {@code -EINVAL}. */
  /** Whether a pageblock of {@code [start, end)} is offline (no {@code BitSet} copy of the range). */
  private boolean anyOffline(int start, int end) {
    int b = offline.nextSetBit(start >>> FrameTable.PB_ORDER);
    return b >= 0 && b < end >>> FrameTable.PB_ORDER;
  }

  int offlinePages(int cpu, long startPfn, long nrPages) {
    int start = (int) startPfn;
    int end = (int) (startPfn + nrPages);
    Zone z = range(startPfn, nrPages);
    if (z == null || anyOffline(start, end)) {
      return -PageAllocator.EINVAL;
    }
    if (PfnRange.framesIn(a.reserved, start, end) > 0 || hasCma(start, end)) {
      // PageReserved, or a CMA pageblock, which has_unmovable_pages() calls unmovable for MEMORY_OFFLINE
      return -PageAllocator.EBUSY;
    }
    // do_migrate_range(): no reclaim_clean_pages_from_list(), page cache migrated too
    if (new ContigRange(a, false).alloc(cpu, start, end) != 0) {
      // offline_pages() retries do_migrate_range() until a signal; -ENOMEM or -EBUSY here is a busy block
      return -PageAllocator.EBUSY;
    }
    offline.set(start >>> FrameTable.PB_ORDER, end >>> FrameTable.PB_ORDER);
    z.managedPages -= nrPages; // adjust_managed_page_count()
    initPerZoneWmarkMin();
    return 0;
  }

  /** {@code online_pages()} of a block {@link #offlinePages} took: 0 or {@code -EINVAL}. */
  int onlinePages(int cpu, long startPfn, long nrPages) {
    int start = (int) startPfn;
    int end = (int) (startPfn + nrPages);
    Zone z = range(startPfn, nrPages);
    if (z == null || offline.nextClearBit(start >>> FrameTable.PB_ORDER) < end >>> FrameTable.PB_ORDER) { // not all offline
      return -PageAllocator.EINVAL;
    }
    for (int pb = start; pb < end; pb += FrameTable.PB_PAGES) {
      a.ft.setPbMigratetype(pb, MIGRATE_MOVABLE); // memmap_init_range() of the new memory
      if (a.fa.nrSens > 1) {
        a.ft.setPbNonsensitive(pb, false); // the ASI series' boot state: sensitive
      }
    }
    offline.clear(start >>> FrameTable.PB_ORDER, end >>> FrameTable.PB_ORDER);
    z.managedPages += nrPages;
    new ContigRange(a).free(cpu, start, end); // __free_pages_core() of every pageblock
    initPerZoneWmarkMin();
    return 0;
  }

  private boolean hasCma(int start, int end) {
    for (int pb = start; pb < end; pb += FrameTable.PB_PAGES) {
      if (a.ft.pbMigratetype(pb) == MIGRATE_CMA) {
        return true;
      }
    }
    return false;
  }

  /** {@code init_per_zone_wmark_min()}, which both paths call once the managed pages changed. */
  private void initPerZoneWmarkMin() {
    a.minFreeKbytes = Watermarks.setup(a.zones, a.fa.byIndex, a.cfg, a.nrCpus);
  }

  /** The zone holding all of {@code [start, start + nr)} in whole pageblocks, or null ({@code test_pages_in_a_zone()}). */
  private Zone range(long start, long nr) {
    long end = start + nr;
    if (nr <= 0 || start < 0 || end > a.ft.nrFrames || start % FrameTable.PB_PAGES != 0 || nr % FrameTable.PB_PAGES != 0) {
      return null;
    }
    Zone z = a.fa.zoneOf((int) start);
    return z.contains((int) (end - 1)) ? z : null;
  }
}
