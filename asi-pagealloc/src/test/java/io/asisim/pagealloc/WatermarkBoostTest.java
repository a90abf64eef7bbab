package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.fixtures.FakeArch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code boost_watermark()} (mm/page_alloc.c): a fallback that claims part of a pageblock raises
 * the zone's marks by a pageblock and wakes kswapd at the end of that {@code rmqueue()}; kswapd's
 * run takes the boost off. Hand-checked on one 256 MiB DMA32 zone with min_free_kbytes 128: min 32,
 * low 97, high 162 pages, so the boost is capped at max(512, 162 * 1.5) = 512.
 */
class WatermarkBoostTest {
  private static BuddyAllocator zone(int boostFactor, Metrics m) {
    BuddyAllocator a = new BuddyAllocator(new FakeArch(2, 65536, 0), m, Fixtures.GFP_SENSITIVE,
        new BuddyConfig(false, 0, false, 128, 10, 100, 400, 1500, boostFactor),
        List.of(new ZoneSpan(1, "DMA32", 0, 65536)));
    a.freeAllBootMemory();
    return a;
  }

  /**
   * Movable blocks until only one order-9 block is left, then half of it: 256 free pages of a
   * movable pageblock whose other half is movable, and no free unmovable page anywhere.
   */
  private static void leaveHalfAPageblockFree(BuddyAllocator a) {
    while (a.alloc(0, 10, GFP_HIGHUSER_MOVABLE) >= 0) {
      // the order-10 blocks the watermark lets go
    }
    while (a.alloc(0, 9, GFP_HIGHUSER_MOVABLE) >= 0) {
      // and the order-9 ones
    }
    assertThat(a.alloc(0, 8, GFP_HIGHUSER_MOVABLE)).isNotNegative();
    assertThat(a.freePages()).isEqualTo(256);
    assertThat(a.takeKswapdWakeup()).as("the movable requests left the fast path: a wake-up before the test").isTrue();
  }

  @Test
  void aClaimOfHalfAPageblockBoostsTheMarksAndWakesKswapdOnce() {
    Metrics m = new Metrics();
    BuddyAllocator a = zone(BuddyConfig.DEFAULT_WATERMARK_BOOST_FACTOR, m);
    Zone z = a.zones[0];
    assertThat(new long[] {z.wmarkMin, z.wmarkLow, z.wmarkHigh}).containsExactly(32, 97, 162);
    leaveHalfAPageblockFree(a);
    long high = a.reclaimWatermark();
    // GFP_KERNEL order 0: no unmovable page; __rmqueue_claim() finds the order-8 movable block,
    // try_to_claim_block() boosts (order 8 < pageblock order), then claims (256 free >= 256)
    assertThat(a.alloc(0, 0, GFP_KERNEL)).isNotNegative();
    assertThat(m.get("alloc_fallback_claims")).isEqualTo(1);
    assertThat(z.watermarkBoost).isEqualTo(512);
    assertThat(a.reclaimWatermark()).as("kswapd's target includes the boost").isEqualTo(high + 512);
    assertThat(Watermarks.wmark(z, AllocFlags.ALLOC_WMARK_LOW)).isEqualTo(97 + 512);
    assertThat(a.takeKswapdWakeup()).as("ZONE_BOOSTED_WATERMARK: rmqueue() woke kswapd").isTrue();
    assertThat(a.takeKswapdWakeup()).isFalse();
    assertThat(a.pgdatWatermarkBoosted(2)).as("pgdat_watermark_boosted(), top-down from Normal").isTrue();
    assertThat(a.pgdatWatermarkBoosted(1)).isTrue();
    assertThat(a.pgdatWatermarkBoosted(0)).as("no DMA zone here: nothing below DMA32 is boosted").isFalse();
    a.resetWatermarkBoost(); // balance_pgdat()'s end
    assertThat(z.watermarkBoost).isZero();
    assertThat(a.pgdatWatermarkBoosted(2)).isFalse();
    assertThat(a.reclaimWatermark()).isEqualTo(high);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void withTheFactorZeroTheSameClaimBoostsNothing() {
    Metrics m = new Metrics();
    BuddyAllocator a = zone(0, m);
    leaveHalfAPageblockFree(a);
    assertThat(a.alloc(0, 0, GFP_KERNEL)).isNotNegative();
    assertThat(m.get("alloc_fallback_claims")).isEqualTo(1);
    assertThat(a.zones[0].watermarkBoost).isZero();
    assertThat(a.takeKswapdWakeup()).isFalse();
  }

  /** zone_watermark_fast(): an order-0 __GFP_HIGH request at the min mark ignores the boost. */
  @Test
  void aHighPriorityOrderZeroRequestAtTheMinMarkIgnoresTheBoost() {
    Zone z = new Zone(2, "Normal", 0, 1 << 20, FrameTable.MIGRATE_TYPES, 1, 1);
    z.managedPages = 1 << 20;
    z.wmarkMin = 32;
    z.watermarkBoost = 512;
    z.freePages = 150;
    int min = AllocFlags.ALLOC_WMARK_MIN;
    long boosted = Watermarks.wmark(z, min);
    assertThat(boosted).isEqualTo(544);
    // ALLOC_MIN_RESERVE halves the mark (272), still above 150: only the exception lets it through
    assertThat(Watermarks.zoneWatermarkFast(z, 0, boosted, 0, min | AllocFlags.ALLOC_MIN_RESERVE, false, 1)).isTrue();
    assertThat(Watermarks.zoneWatermarkFast(z, 0, boosted, 0, min, false, 1)).as("no __GFP_HIGH").isFalse();
    assertThat(Watermarks.zoneWatermarkFast(z, 1, boosted, 0, min | AllocFlags.ALLOC_MIN_RESERVE, false, 1))
        .as("order 1").isFalse();
    z.watermarkBoost = 0;
    assertThat(Watermarks.zoneWatermarkFast(z, 0, 300, 0, min | AllocFlags.ALLOC_MIN_RESERVE, false, 1))
        .as("no boost: the mark as given").isFalse();
  }

  @Test
  void theBoostGrowsByAPageblockUpToItsCap() {
    Zone z = new Zone(2, "Normal", 0, 1 << 20, FrameTable.MIGRATE_TYPES, 1, 1);
    z.managedPages = 1 << 20;
    z.wmarkHigh = 1000; // cap: max(512, 1000 * 15000 / 10000 = 1500)
    assertThat(Watermarks.boostWatermark(z, 15000)).isTrue();
    assertThat(z.watermarkBoost).isEqualTo(512);
    assertThat(Watermarks.boostWatermark(z, 15000)).isTrue();
    assertThat(z.watermarkBoost).isEqualTo(1024);
    assertThat(Watermarks.boostWatermark(z, 15000)).isTrue();
    assertThat(z.watermarkBoost).isEqualTo(1500);
    z.managedPages = 2047; // fewer than four pageblocks: never
    assertThat(Watermarks.boostWatermark(z, 15000)).isFalse();
    z.managedPages = 2048; // exactly four: boosted (pageblock_nr_pages * 4 > managed is false)
    assertThat(Watermarks.boostWatermark(z, 15000)).isTrue();
    z.wmarkHigh = 0; // high mark not set up yet: no boost
    assertThat(Watermarks.boostWatermark(z, 15000)).isFalse();
    assertThat(Watermarks.boostWatermark(z, 0)).as("factor 0").isFalse();
  }
}
