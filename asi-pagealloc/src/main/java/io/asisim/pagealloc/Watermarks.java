package io.asisim.pagealloc;

import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageOrder;
import io.asisim.api.mm.Migratetype;

/**
 * Zone watermarks, lowmem reserves and pcp sizes, by the kernel's formulas (mm/page_alloc.c,
 * mm/khugepaged.c, Linux 6.18), and the checks against them ({@code zone_watermark_fast()},
 * {@code __zone_watermark_ok()}): setup and checks in one place. Checked against a real
 * machine's /proc/zoneinfo in the tests.
 */
final class Watermarks {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Watermarks.class);

  private Watermarks() {}

  /** {@code sysctl_lowmem_reserve_ratio[]} for DMA, DMA32, Normal, Movable (0: no reserve). */
  static final int[] LOWMEM_RESERVE_RATIO = {256, 256, 32, 0};


  /**
   * Runs {@code init_per_zone_wmark_min()} (and, when {@code cfg.thpMinFree()},
   * {@code set_recommended_min_free_kbytes()} after it, as khugepaged's start does), then sets the
   * pcp batch and high of every zone.
   *
   * @return the resulting {@code min_free_kbytes}
   */
  static long setup(Zone[] zones, Zone[] byIndex, BuddyConfig cfg, int nrCpus) {
    long minFree = cfg.minFreeKbytes();
    if (minFree == 0) {
      minFree = calculateMinFreeKbytes(nrFreeBufferPages(zones));
    }
    setupLowmemReserve(byIndex);
    setupPerZoneWmarks(zones, minFree, cfg.watermarkScaleFactor());
    if (cfg.thpMinFree() && cfg.minFreeKbytes() == 0) {
      long rec = recommendedMinFreeKbytes(nrZonesUpToNormal(zones), nrFreeBufferPages(zones));
      if (rec > minFree) {
        minFree = rec;
        setupPerZoneWmarks(zones, minFree, cfg.watermarkScaleFactor());
      }
    }
    for (Zone z : zones) {
      z.pcpBatch = Math.max(1, zoneBatchsize(z.managedPages));
      z.pcpHigh = zoneHighsize(z.wmarkLow, z.pcpBatch, nrCpus);
      LOG.debug("zone {} pfn {}..{} managed {} min/low/high {}/{}/{} pcp batch {} high {} (min_free_kbytes {})",
          z.name, z.startPfn, z.endPfn, z.managedPages, z.wmarkMin, z.wmarkLow, z.wmarkHigh, z.pcpBatch, z.pcpHigh,
          minFree);
    }
    return minFree;
  }

  /**
   * The populated zones {@code set_recommended_min_free_kbytes()} counts: those up to
   * {@code gfp_zone(GFP_USER)}, since ZONE_MOVABLE only has movable pages and needs no
   * fragmentation reserve.
   */
  static int nrZonesUpToNormal(Zone[] zones) {
    int n = 0;
    for (Zone z : zones) {
      if (z.index <= Gfp.ZONE_NORMAL) {
        n++;
      }
    }
    return n;
  }

  /**
   * {@code nr_free_buffer_pages()}: managed pages above the high watermark, in the zones of
   * {@code gfp_zone(GFP_USER)}'s zonelist — up to Normal, so ZONE_MOVABLE does not count.
   */
  static long nrFreeBufferPages(Zone[] zones) {
    long sum = 0;
    for (Zone z : zones) {
      if (z.index > Gfp.ZONE_NORMAL) {
        continue;
      }
      long size = z.managedPages;
      if (size > z.wmarkHigh) {
        sum += size - z.wmarkHigh;
      }
    }
    return sum;
  }

  /** {@code calculate_min_free_kbytes()}: {@code int_sqrt(lowmem_kbytes * 16)} clamped to 128..262144. */
  static long calculateMinFreeKbytes(long nrFreeBufferPages) {
    long lowmemKbytes = nrFreeBufferPages * 4;
    long v = (long) Math.floor(Math.sqrt((double) (lowmemKbytes * 16)));
    while (v * v > lowmemKbytes * 16) {
      v--;
    }
    while ((v + 1) * (v + 1) <= lowmemKbytes * 16) {
      v++;
    }
    return Math.max(128, Math.min(262144, v));
  }

  /**
   * {@code set_recommended_min_free_kbytes()}: two free pageblocks per zone plus
   * {@code MIGRATE_PCPTYPES^2} per zone, at most 5% of lowmem.
   */
  static long recommendedMinFreeKbytes(int nrZones, long nrFreeBufferPages) {
    long rec = (long) FrameTable.PB_PAGES * nrZones * 2;
    rec += (long) FrameTable.PB_PAGES * nrZones * 3 * 3;
    rec = Math.min(rec, nrFreeBufferPages / 20);
    return rec << 2;
  }

  /**
   * {@code __setup_per_zone_wmarks()}: {@code min_free_kbytes} shared by the zones other than
   * ZONE_MOVABLE in proportion to their managed pages; ZONE_MOVABLE's min mark is capped to
   * {@code clamp(managed / 1024, SWAP_CLUSTER_MAX, 128)} (__GFP_HIGH and PF_MEMALLOC requests do not
   * need its pages), while its low-min and high-low deltas, which pace kswapd, are not capped.
   */
  static void setupPerZoneWmarks(Zone[] zones, long minFreeKbytes, int scaleFactor) {
    long pagesMin = minFreeKbytes >> 2;
    long lowmem = 0;
    for (Zone z : zones) {
      if (z.index != Gfp.ZONE_MOVABLE) {
        lowmem += z.managedPages;
      }
    }
    for (Zone z : zones) {
      long tmp = lowmem == 0 ? 0 : pagesMin * z.managedPages / lowmem;
      z.wmarkMin = z.index == Gfp.ZONE_MOVABLE ? Math.max(PageOrder.SWAP_CLUSTER_MAX, Math.min(128, z.managedPages / 1024)) : tmp;
      tmp = Math.max(tmp >> 2, z.managedPages * scaleFactor / 10000);
      z.wmarkLow = z.wmarkMin + tmp;
      z.wmarkHigh = z.wmarkLow + tmp;
    }
  }

  /**
   * {@code setup_per_zone_lowmem_reserve()}: for every zone below the top, the managed pages of the
   * zones above it up to {@code j}, over the zone's {@code sysctl_lowmem_reserve_ratio}; a zone
   * without managed pages, or with ratio 0, reserves nothing. Runs again whenever managed pages change.
   */
  static void setupLowmemReserve(Zone[] byIndex) {
    for (int i = 0; i < Gfp.MAX_NR_ZONES - 1; i++) {
      Zone z = byIndex[i];
      if (z == null) {
        continue;
      }
      boolean clear = LOWMEM_RESERVE_RATIO[i] == 0 || z.managedPages == 0;
      long managed = 0;
      for (int j = i + 1; j < Gfp.MAX_NR_ZONES; j++) {
        Zone upper = byIndex[j];
        managed += upper == null ? 0 : upper.managedPages;
        z.lowmemReserve[j] = clear ? 0 : managed / LOWMEM_RESERVE_RATIO[i];
      }
    }
  }

  /** {@code zone_batchsize()}. */
  static int zoneBatchsize(long managedPages) {
    long batch = Math.min(managedPages >> 10, (1L << 20) / 4096);
    batch /= 4;
    if (batch < 1) {
      batch = 1;
    }
    long b = batch + batch / 2;
    return (int) (Long.highestOneBit(b) - 1);
  }

  /**
   * {@code zone_highsize()} with {@code percpu_pagelist_high_fraction} 0: the low watermark split
   * over the node's CPUs, at least {@code batch * 4}.
   */
  static int zoneHighsize(long lowWmark, int batch, int nrCpus) {
    long high = lowWmark / nrCpus;
    return (int) Math.max(high, (long) batch << 2);
  }

  // ---- checks ----

  /** {@code wmark_pages()}: the zone's min, low or high mark by {@code ALLOC_WMARK_*}. */
  static long wmark(Zone z, int which) {
    return (which == AllocFlags.ALLOC_WMARK_MIN ? z.wmarkMin : which == AllocFlags.ALLOC_WMARK_LOW ? z.wmarkLow : z.wmarkHigh)
        + z.watermarkBoost;
  }

  /**
   * {@code pgdat_watermark_boosted()} (mm/vmscan.c): top-down over the managed zones up to
   * {@code highestZoneIdx}, whether one has a {@code watermark_boost} left.
   */
  static boolean pgdatWatermarkBoosted(FreeArea fa, int highestZoneIdx) {
    for (int i = Math.min(highestZoneIdx, fa.byIndex.length - 1); i >= 0; i--) {
      Zone z = fa.byIndex[i];
      if (z != null && z.managedPages > 0 && z.watermarkBoost > 0) {
        return true;
      }
    }
    return false;
  }

  /** The end of {@code balance_pgdat()} after boosted reclaim: every zone's boost taken off. */
  static void resetBoosts(Zone[] zones) {
    for (Zone z : zones) {
      z.watermarkBoost = 0;
    }
  }

  /**
   * {@code boost_watermark()}: raise the zone's marks by a pageblock, at most to
   * {@code max(pageblock, high * factor / 10000)}; not in a zone smaller than four pageblocks, nor
   * with the factor 0. Whether it boosted.
   */
  static boolean boostWatermark(Zone z, int factor) {
    if (factor == 0 || (long) FrameTable.PB_PAGES * 4 > z.managedPages) {
      return false;
    }
    long maxBoost = z.wmarkHigh * factor / 10000; // mult_frac()
    if (maxBoost == 0) {
      return false;
    }
    maxBoost = Math.max(FrameTable.PB_PAGES, maxBoost);
    z.watermarkBoost = Math.min(z.watermarkBoost + FrameTable.PB_PAGES, maxBoost);
    return true;
  }

  /** {@code __zone_watermark_unusable_free()}. */
  private static long unusableFree(Zone z, int order, int flags, boolean hasCma, int nrSens) {
    long unusable = (1L << order) - 1;
    if ((flags & AllocFlags.ALLOC_RESERVES) == 0) {
      unusable += z.nrReservedHighatomic;
    }
    if ((flags & AllocFlags.ALLOC_CMA) == 0) {
      unusable += freeCmaPages(z, hasCma, nrSens);
    }
    return unusable;
  }

  /** {@code NR_FREE_CMA_PAGES}: free pages on the CMA lists of every sensitivity. */
  static long freeCmaPages(Zone z, boolean hasCma, int nrSens) {
    if (!hasCma) {
      return 0;
    }
    long n = 0;
    for (int s = 0; s < nrSens; s++) {
      for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
        n += (long) z.freeLen(z.list(o, Migratetype.MIGRATE_CMA + s * FrameTable.MIGRATE_TYPES)) << o;
      }
    }
    return n;
  }

  /** The sum of the zones' high watermarks with their boosts, where kswapd stops ({@code pgdat_balanced()}). */
  static long highSum(Zone[] zones) {
    long sum = 0;
    for (Zone z : zones) {
      sum += z.wmarkHigh + z.watermarkBoost;
    }
    return sum;
  }

  /**
   * {@code zone_watermark_fast()}, with its exception for boosts: an order-0 request that may dip
   * into the min reserve ({@code __GFP_HIGH}: ALLOC_MIN_RESERVE) checked at the min mark ignores
   * the boost, so that the boost wakes kswapd below the low mark but never starves such requests.
   */
  static boolean zoneWatermarkFast(Zone z, int order, long mark, int highest, int flags, boolean hasCma, int nrSens) {
    long free = z.freePages;
    if (order == 0) {
      long reserved = unusableFree(z, 0, flags, hasCma, nrSens);
      long usable = free - Math.min(free, reserved);
      if (usable > mark + z.lowmemReserve[highest]) {
        return true;
      }
    }
    if (zoneWatermarkOk(z, order, mark, highest, flags, free, hasCma, nrSens)) {
      return true;
    }
    if (order == 0 && (flags & AllocFlags.ALLOC_MIN_RESERVE) != 0 && z.watermarkBoost != 0
        && (flags & AllocFlags.ALLOC_WMARK_MASK) == AllocFlags.ALLOC_WMARK_MIN) {
      return zoneWatermarkOk(z, order, z.wmarkMin, highest, flags, free, hasCma, nrSens);
    }
    return false;
  }

  /** {@code __zone_watermark_ok()}. */
  static boolean zoneWatermarkOk(Zone z, int order, long mark, int highest, int flags, long freePages,
      boolean hasCma, int nrSens) {
    long min = mark;
    long free = freePages - unusableFree(z, order, flags, hasCma, nrSens);
    if ((flags & AllocFlags.ALLOC_RESERVES) != 0) {
      if ((flags & AllocFlags.ALLOC_MIN_RESERVE) != 0) {
        min -= min / 2;
        if ((flags & AllocFlags.ALLOC_NON_BLOCK) != 0) {
          min -= min / 4;
        }
      }
      if ((flags & AllocFlags.ALLOC_OOM) != 0) {
        min -= min / 2;
      }
    }
    if (free <= min + z.lowmemReserve[highest]) {
      return false;
    }
    if (order == 0) {
      return true;
    }
    for (int o = order; o < FrameTable.NR_PAGE_ORDERS; o++) {
      if (z.nrFree[o] == 0) {
        continue;
      }
      for (int s = 0; s < nrSens; s++) {
        int base = s * FrameTable.MIGRATE_TYPES;
        for (int mt = 0; mt < Migratetype.MIGRATE_PCPTYPES; mt++) {
          if (!z.freeAreaEmpty(o, base + mt)) {
            return true;
          }
        }
        if ((flags & AllocFlags.ALLOC_CMA) != 0 && !z.freeAreaEmpty(o, base + Migratetype.MIGRATE_CMA)) {
          return true;
        }
        if ((flags & (AllocFlags.ALLOC_HIGHATOMIC | AllocFlags.ALLOC_OOM)) != 0 && !z.freeAreaEmpty(o, base + Migratetype.MIGRATE_HIGHATOMIC)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code pgdat_balanced()} (mm/vmscan.c): bottom-up, the first zone whose free pages clear its
   * (boosted) high mark, with a free block of {@code order} ({@code zone_watermark_ok_safe()}).
   */
  static boolean pgdatBalanced(FreeArea fa, int order, int highestZoneIdx) {
    boolean any = false;
    for (int i = 0; i <= highestZoneIdx && i < fa.byIndex.length; i++) {
      Zone z = fa.byIndex[i];
      if (z == null || z.managedPages == 0) {
        continue;
      }
      any = true;
      long mark = Watermarks.wmark(z, AllocFlags.ALLOC_WMARK_HIGH);
      if (Watermarks.zoneWatermarkOk(z, order, mark, highestZoneIdx, 0, z.freePages, fa.hasCma, fa.nrSens)) {
        return true;
      }
    }
    return !any;
  }
}
