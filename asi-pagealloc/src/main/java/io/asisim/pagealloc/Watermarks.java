package io.asisim.pagealloc;

/**
 * Zone watermarks, lowmem reserves and pcp sizes, by the kernel's formulas (mm/page_alloc.c,
 * mm/khugepaged.c, Linux 6.18). Checked against a real machine's /proc/zoneinfo in the tests.
 */
final class Watermarks {
  private Watermarks() {}

  /** {@code sysctl_lowmem_reserve_ratio[]} for DMA, DMA32, Normal. */
  static final int[] LOWMEM_RESERVE_RATIO = {256, 256, 32};

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
      long rec = recommendedMinFreeKbytes(zones.length, nrFreeBufferPages(zones));
      if (rec > minFree) {
        minFree = rec;
        setupPerZoneWmarks(zones, minFree, cfg.watermarkScaleFactor());
      }
    }
    for (Zone z : zones) {
      z.pcpBatch = Math.max(1, zoneBatchsize(z.managedPages));
      z.pcpHigh = zoneHighsize(z.wmarkLow, z.pcpBatch, nrCpus);
    }
    return minFree;
  }

  /** {@code nr_free_buffer_pages()}: managed pages above the high watermark, zones up to Normal. */
  static long nrFreeBufferPages(Zone[] zones) {
    long sum = 0;
    for (Zone z : zones) {
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

  /** {@code __setup_per_zone_wmarks()}. */
  static void setupPerZoneWmarks(Zone[] zones, long minFreeKbytes, int scaleFactor) {
    long pagesMin = minFreeKbytes >> 2;
    long lowmem = 0;
    for (Zone z : zones) {
      lowmem += z.managedPages;
    }
    for (Zone z : zones) {
      long tmp = lowmem == 0 ? 0 : pagesMin * z.managedPages / lowmem;
      z.wmarkMin = tmp;
      tmp = Math.max(tmp >> 2, z.managedPages * scaleFactor / 10000);
      z.wmarkLow = z.wmarkMin + tmp;
      z.wmarkHigh = z.wmarkLow + tmp;
    }
  }

  /** {@code setup_per_zone_lowmem_reserve()}: upper zones' managed pages / ratio. */
  static void setupLowmemReserve(Zone[] byIndex) {
    for (int i = 0; i < 3; i++) {
      Zone z = byIndex[i];
      if (z == null) {
        continue;
      }
      long managed = 0;
      for (int j = i + 1; j < 3; j++) {
        Zone upper = byIndex[j];
        managed += upper == null ? 0 : upper.managedPages;
        z.lowmemReserve[j] = z.managedPages == 0 ? 0 : managed / LOWMEM_RESERVE_RATIO[i];
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
}
