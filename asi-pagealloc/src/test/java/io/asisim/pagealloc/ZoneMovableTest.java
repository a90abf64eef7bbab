package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.fixtures.FakeArch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ZONE_MOVABLE ({@link ZoneMovable}): the layout {@code find_zone_movable_pfns_for_nodes()} gives
 * for {@code kernelcore=}/{@code movablecore=}, hand-checked; {@code gfp_zone()} sending
 * GFP_HIGHUSER_MOVABLE there and GFP_KERNEL never; its watermarks and lowmem reserves.
 */
class ZoneMovableTest {
  private static final long M = 1L << 20;
  private static final long G = 1L << 30;
  /** 8 GiB in frames. */
  private static final long EIGHT_G = (8 * G) >>> 12;

  @Test
  void movablecoreOnEightGigabytesTakesTheTopOfNormal() {
    // totalpages 2097152; movablecore 262144 pages, so kernelcore 1835008: 1048576 below 4 GiB,
    // 786432 from Normal's start, so ZONE_MOVABLE begins at 1048576 + 786432 = 1835008.
    assertThat(ZoneMovable.spans(EIGHT_G, 0, G)).containsExactly(
        new ZoneSpan(0, "DMA", 0, 4096), new ZoneSpan(1, "DMA32", 4096, 1048576),
        new ZoneSpan(2, "Normal", 1048576, 1835008), new ZoneSpan(3, "Movable", 1835008, EIGHT_G));
  }

  @Test
  void movablecoreIsRoundedUpToMaxOrderPages() {
    // 1001 MiB = 256256 pages, rounded up to 251 * 1024 = 257024: Movable from 2097152 - 257024
    assertThat(ZoneMovable.spans(EIGHT_G, 0, 1001 * M).get(3)).isEqualTo(new ZoneSpan(3, "Movable", 1840128, EIGHT_G));
  }

  @Test
  void kernelcoreBelowFourGigabytesLeavesNormalEmpty() {
    // kernelcore 2 GiB = 524288 pages, all met below usable_startpfn (4 GiB): Movable from 4 GiB
    assertThat(ZoneMovable.spans(EIGHT_G, 2 * G, 0)).containsExactly(
        new ZoneSpan(0, "DMA", 0, 4096), new ZoneSpan(1, "DMA32", 4096, 1048576),
        new ZoneSpan(3, "Movable", 1048576, EIGHT_G));
  }

  @Test
  void theLargerKernelcoreWins() {
    // movablecore 2 GiB would leave 6 GiB of kernelcore; kernelcore=7G is larger: Movable is 1 GiB
    assertThat(ZoneMovable.spans(EIGHT_G, 7 * G, 2 * G).get(3)).isEqualTo(new ZoneSpan(3, "Movable", 1835008, EIGHT_G));
  }

  @Test
  void onASmallMachineMovableComesOutOfDma32() {
    // 2 GiB: movable_zone is DMA32 (usable_startpfn 4096); kernelcore 393216 - 4096 from DMA32
    assertThat(ZoneMovable.spans(524288, 0, 512 * M)).containsExactly(
        new ZoneSpan(0, "DMA", 0, 4096), new ZoneSpan(1, "DMA32", 4096, 393216),
        new ZoneSpan(3, "Movable", 393216, 524288));
  }

  @Test
  void noMovableZoneWithoutKernelcoreOrWhenItCoversMemory() {
    assertThat(ZoneMovable.spans(EIGHT_G, 0, 0)).isEqualTo(ZoneSpan.x86(EIGHT_G));
    assertThat(ZoneMovable.spans(EIGHT_G, 8 * G, 0)).isEqualTo(ZoneSpan.x86(EIGHT_G));
    // movablecore of all memory leaves kernelcore 0: "no ZONE_MOVABLE" (the kernel's goto out)
    assertThat(ZoneMovable.spans(EIGHT_G, 0, 8 * G)).isEqualTo(ZoneSpan.x86(EIGHT_G));
  }

  @Test
  void watermarksAndReservesOfTheRealZoneinfoWithAMovableZone() {
    // WatermarksTest's real machine plus 1 GiB of ZONE_MOVABLE (262144 managed pages)
    Zone dma = zone(0, "DMA", 3840);
    Zone dma32 = zone(1, "DMA32", 772917);
    Zone normal = zone(2, "Normal", 196608);
    Zone movable = zone(3, "Movable", 262144);
    Zone[] zones = {dma, dma32, normal, movable};
    long minFree = Watermarks.setup(zones, zones, BuddyConfig.defaults(false), 2);
    // nr_free_buffer_pages() and set_recommended_min_free_kbytes() leave Movable out: 3 zones, 67584 KB
    assertThat(minFree).isEqualTo(67584);
    // lowmem_pages leaves Movable out, so the other zones keep the real machine's marks
    assertThat(new long[] {dma32.wmarkMin, dma32.wmarkLow, dma32.wmarkHigh}).containsExactly(13416, 16770, 20124);
    assertThat(new long[] {normal.wmarkMin, normal.wmarkLow, normal.wmarkHigh}).containsExactly(3412, 4265, 5118);
    // Movable: min clamp(262144 / 1024, 32, 128) = 128; tmp 16896 * 262144 / 973365 = 4550, >> 2 = 1137
    assertThat(new long[] {movable.wmarkMin, movable.wmarkLow, movable.wmarkHigh}).containsExactly(128, 1265, 2402);
    // protection: DMA (0, 3019, 3787, 1231669 / 256), DMA32 (0, 0, 768, 458752 / 256), Normal 262144 / 32
    assertThat(dma.lowmemReserve).containsExactly(0, 3019, 3787, 4811);
    assertThat(dma32.lowmemReserve).containsExactly(0, 0, 768, 1792);
    assertThat(normal.lowmemReserve).containsExactly(0, 0, 0, 8192);
    assertThat(movable.lowmemReserve).containsExactly(0, 0, 0, 0);
  }

  /**
   * 64 MiB, movablecore=16M: DMA 0..4096, DMA32 4096..12288, Movable 12288..16384 (kernelcore
   * 12288 pages, 4096 of them below DMA32). Watermarks of {@link Fixtures#tinyWatermarks} (0),
   * except Movable's min, clamped to SWAP_CLUSTER_MAX (32); reserves: DMA (0, 32, 32, 48).
   */
  @Test
  void kernelAllocationsNeverLandInZoneMovable() {
    FakeArch arch = new FakeArch(1, 16384, 0);
    BuddyConfig cfg = Fixtures.tinyWatermarks(false).withCore(0, 16 * M);
    BuddyAllocator a = new BuddyAllocator(arch, new Metrics(), Fixtures.GFP_SENSITIVE, cfg,
        ZoneMovable.spans(arch.nrFrames(), cfg.kernelcoreBytes(), cfg.movablecoreBytes()));
    a.freeAllBootMemory();
    Zone movable = a.fa.byIndex[Gfp.ZONE_MOVABLE];
    assertThat(movable.startPfn).isEqualTo(12288);
    assertThat(movable.wmarkMin).isEqualTo(32);
    assertThat(a.fa.byIndex[0].lowmemReserve).containsExactly(0, 32, 32, 48);
    // the zonelist of GFP_KERNEL starts at DMA32 (no Normal) and falls back to DMA, never up:
    // 8 blocks of DMA32, then 3 of DMA (the 4th would leave 1 usable page, below its reserve of 32)
    List<Long> kernel = new ArrayList<>();
    for (long p; (p = a.alloc(0, 10, GFP_KERNEL)) >= 0; ) {
      kernel.add(p);
    }
    assertThat(kernel).hasSize(11).allMatch(p -> p < 12288);
    assertThat(movable.freePages).isEqualTo(4096);
    // GFP_HIGHUSER_MOVABLE starts at ZONE_MOVABLE: 3 blocks there (the 4th would leave 1 page, below min 32)
    List<Long> user = new ArrayList<>();
    for (long p; (p = a.alloc(0, 10, GFP_HIGHUSER_MOVABLE)) >= 0; ) {
      user.add(p);
    }
    assertThat(user).containsExactly(12288L, 13312L, 14336L);
    assertThat(a.checkConsistency()).isNull();
    assertThat(ProcFs.buddyinfo(a)).contains("zone  Movable ");
  }

  /**
   * Random kernel, reclaimable, atomic and movable user traffic of orders 0..10 on a 64 MiB
   * machine with 32 MiB of ZONE_MOVABLE, plain and pageblock-migratetype: no block of a request
   * without {@code __GFP_HIGHMEM|__GFP_MOVABLE} is ever in ZONE_MOVABLE, and the checker (which
   * also checks no ZONE_MOVABLE pageblock became unmovable) passes throughout.
   */
  @Test
  void randomTrafficKeepsKernelMemoryOutOfZoneMovable() {
    int[] gfps = {GFP_KERNEL, GFP_KERNEL | Gfp.__GFP_RECLAIMABLE, Gfp.GFP_ATOMIC, GFP_HIGHUSER_MOVABLE,
        Gfp.GFP_TRANSHUGE, GFP_KERNEL | Gfp.__GFP_SENSITIVE};
    for (boolean asi : new boolean[] {false, true}) {
      for (long seed = 1; seed <= 4; seed++) {
        FakeArch arch = new FakeArch(2, 16384, 256);
        BuddyConfig cfg = Fixtures.tinyWatermarks(asi).withCore(0, 32 * M);
        BuddyAllocator a = new BuddyAllocator(arch, new Metrics(), Fixtures.GFP_SENSITIVE, cfg,
            ZoneMovable.spans(arch.nrFrames(), cfg.kernelcoreBytes(), cfg.movablecoreBytes()));
        a.freeAllBootMemory();
        int movableStart = a.fa.byIndex[Gfp.ZONE_MOVABLE].startPfn;
        assertThat(movableStart).isEqualTo(8192);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        List<long[]> held = new ArrayList<>();
        int inMovable = 0;
        for (int i = 0; i < 4000; i++) {
          if (held.isEmpty() || r.nextInt(10) < 6) {
            int gfp = gfps[r.nextInt(gfps.length)];
            int order = r.nextInt(4) == 0 ? r.nextInt(11) : r.nextInt(2);
            long p = a.alloc(r.nextInt(2), order, gfp);
            if (p >= 0) {
              assertThat(Gfp.gfpZone(gfp) == Gfp.ZONE_MOVABLE || p < movableStart)
                  .as("seed %d op %d: %s order %d at pfn %d", seed, i, Gfp.format(gfp), order, p).isTrue();
              inMovable += p >= movableStart ? 1 : 0;
              held.add(new long[] {p, order});
            }
          } else {
            long[] b = held.remove(r.nextInt(held.size()));
            a.free(r.nextInt(2), b[0], (int) b[1]);
          }
          if (i % 500 == 0) {
            assertThat(a.checkConsistency()).as("seed %d op %d", seed, i).isNull();
          }
        }
        assertThat(inMovable).as("seed %d: movable requests use ZONE_MOVABLE", seed).isPositive();
        assertThat(a.checkConsistency()).isNull();
      }
    }
  }

  private static Zone zone(int idx, String name, long managed) {
    Zone z = new Zone(idx, name, 0, 512, 6, 1, 2);
    z.managedPages = managed;
    return z;
  }
}
