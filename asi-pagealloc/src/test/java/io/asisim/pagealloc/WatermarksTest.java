package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The kernel's formulas against the /proc/zoneinfo of the 2-CPU Linux 6.18 VM whose
 * pagetypeinfo is a fixture: managed DMA 3840, DMA32 772917, Normal 196608 pages;
 * min_free_kbytes 67584 (THP's recommendation), watermark_scale_factor 10.
 */
class WatermarksTest {
  @Test
  void matchesARealZoneinfo() {
    Zone dma = zone(0, "DMA", 3840);
    Zone dma32 = zone(1, "DMA32", 772917);
    Zone normal = zone(2, "Normal", 196608);
    Zone[] zones = {dma, dma32, normal};
    long minFree = Watermarks.setup(zones, new Zone[] {dma, dma32, normal, null}, BuddyConfig.defaults(false), 2);
    // calculate_min_free_kbytes: int_sqrt(973365 * 4 * 16) = int_sqrt(62295360) = 7892 KB; then
    // set_recommended_min_free_kbytes: 512 * 3 zones * (2 + 9) = 16896 pages = 67584 KB, larger.
    assertThat(Watermarks.calculateMinFreeKbytes(973365)).isEqualTo(7892);
    assertThat(minFree).isEqualTo(67584);
    // zoneinfo: min/low/high 66/82/98, 13416/16770/20124, 3412/4265/5118
    assertThat(new long[] {dma.wmarkMin, dma.wmarkLow, dma.wmarkHigh}).containsExactly(66, 82, 98);
    assertThat(new long[] {dma32.wmarkMin, dma32.wmarkLow, dma32.wmarkHigh}).containsExactly(13416, 16770, 20124);
    assertThat(new long[] {normal.wmarkMin, normal.wmarkLow, normal.wmarkHigh}).containsExactly(3412, 4265, 5118);
    // protection: (0, 3019, 3787, 3787) for DMA and (0, 0, 768, 768) for DMA32 (ZONE_MOVABLE empty)
    assertThat(dma.lowmemReserve).containsExactly(0, 3019, 3787, 3787);
    assertThat(dma32.lowmemReserve).containsExactly(0, 0, 768, 768);
    // pagesets: DMA batch 1, DMA32 batch 63 high 8385 (low 16770 / 2 CPUs)
    assertThat(dma.pcpBatch).isEqualTo(1);
    assertThat(dma32.pcpBatch).isEqualTo(63);
    assertThat(dma32.pcpHigh).isEqualTo(8385);
    assertThat(normal.pcpBatch).isEqualTo(63);
  }

  private static Zone zone(int idx, String name, long managed) {
    Zone z = new Zone(idx, name, 0, 512, 6, 1, 2);
    z.managedPages = managed;
    return z;
  }
}
