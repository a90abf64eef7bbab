package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_CMA;
import static io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE;

import io.asisim.api.machine.PfnRange;
import java.util.List;

/**
 * Boot-time initialisation of the free lists, mm/mm_init.c and mm/memblock.c: the zones
 * ({@code free_area_init()}), every pageblock's
 * migratetype ({@code memmap_init_range()}, CMA areas from {@code cma_activate_area()}) and the
 * handover of memblock's free memory to the buddy ({@code memblock_free_all()} →
 * {@code __free_memory_core()} → {@code __free_pages_core()}).
 */
final class MmInit {
  private MmInit() {}

  /**
   * {@code free_area_init()} → {@code free_area_init_core()}: the zones over {@code spans}, which must
   * be ascending and contiguous from pfn 0 to {@code nrFrames}, each with free lists for
   * {@code nrSens} sensitivities and its {@code managed_pages} (spanned minus memblock.reserved).
   */
  static Zone[] freeAreaInit(List<ZoneSpan> spans, long nrFrames, int nrSens, int nrCpus, List<PfnRange> reserved) {
    Zone[] zones = new Zone[spans.size()];
    long expect = 0;
    for (int i = 0; i < zones.length; i++) {
      ZoneSpan span = spans.get(i);
      if (span.startPfn() != expect) {
        throw new IllegalArgumentException("zones must be contiguous from pfn 0: " + spans);
      }
      expect = span.endPfn();
      zones[i] = new Zone(span.index(), span.name(), (int) span.startPfn(), (int) span.endPfn(),
          FrameTable.MIGRATE_TYPES * nrSens, nrSens, nrCpus);
      zones[i].managedPages = span.pages() - PfnRange.framesIn(reserved, span.startPfn(), span.endPfn());
    }
    if (expect != nrFrames) {
      throw new IllegalArgumentException("zones cover " + expect + " frames but the machine has " + nrFrames);
    }
    return zones;
  }

  /**
   * {@code memmap_init_range()}: every pageblock MIGRATE_MOVABLE (sensitive under ASI); then the
   * CMA area, {@code cmaPageblocks} pageblocks at the top of the highest zone, MIGRATE_CMA.
   */
  static void memmapInitRange(FrameTable ft, Zone[] zones, BuddyConfig cfg, List<PfnRange> reserved) {
    for (int i = 0; i < ft.pageblock.length; i++) {
      ft.pageblock[i] = MIGRATE_MOVABLE;
    }
    if (cfg.cmaPageblocks() > 0) {
      Zone top = zones[zones.length - 1];
      int first = top.endPfn - cfg.cmaPageblocks() * FrameTable.PB_PAGES;
      if (first < top.startPfn || PfnRange.framesIn(reserved, first, top.endPfn) > 0) {
        throw new IllegalArgumentException("CMA area larger than the highest zone");
      }
      for (int p = first; p < top.endPfn; p += FrameTable.PB_PAGES) {
        ft.setPbMigratetype(p, MIGRATE_CMA);
      }
    }
  }

  /**
   * {@code memblock_free_all()}: frees every frame outside {@code memblock.reserved} in maximal
   * aligned blocks to the tail of its list ({@code __free_pages_core()} with {@code FPI_TO_TAIL}).
   */
  static void memblockFreeAll(BuddyAllocator a) {
    FrameTable ft = a.ft;
    FreeArea fa = a.fa;
    List<PfnRange> reserved = a.reserved;
    for (Zone z : a.zones) {
      int pfn = (int) PfnRange.nextOutside(reserved, z.startPfn);
      while (pfn < z.endPfn) {
        // __free_memory_core(): each free range [pfn, end) between reservations, in aligned blocks
        int end = z.endPfn;
        for (PfnRange r : reserved) {
          if (r.start() > pfn && r.start() < end) {
            end = (int) r.start();
          }
        }
        int order = Math.min(FrameTable.MAX_ORDER, Integer.numberOfTrailingZeros(pfn == 0 ? 1 << 30 : pfn));
        while (pfn + (1 << order) > end) {
          order--;
        }
        // A CMA/normal boundary inside an order-10 block: keep blocks within one migratetype.
        while (order > FrameTable.PB_ORDER && ft.pbMigratetype(pfn) != ft.pbMigratetype(pfn + (1 << order) - 1)) {
          order--;
        }
        fa.freeOnePage(z, pfn, order, fa.freetypeOf(pfn), true);
        pfn = (int) PfnRange.nextOutside(reserved, pfn + (1 << order));
      }
    }
  }
}
