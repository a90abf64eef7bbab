package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A million and more random alloc/free operations per allocator against a reference model: the
 * set of frames the caller holds. Every returned block must be in memory, above the reserved
 * frames, naturally aligned and disjoint from everything held; the free-page count must equal
 * managed minus held at every step; the allocator's own consistency check runs every 100k ops.
 * Occupancy swings between ~20% and ~97% so that fallbacks, flips, refills and shrinks happen.
 */
class RandomizedAllocatorTest {
  /** 4.5 GiB: DMA, DMA32 and 512 MiB of Normal, so ALLOC_NOFRAGMENT is in play. */
  private static final long FRAMES = (4L << 30 | 512L << 20) >>> 12;
  private static final long RESERVED = 2048;
  private static final int OPS = 1_200_000;

  private static final int[] GFPS = {
    Gfp.GFP_KERNEL, Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_SENSITIVE,
    Gfp.GFP_HIGHUSER_MOVABLE, Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE, Gfp.GFP_ATOMIC, Gfp.GFP_NOWAIT | Gfp.__GFP_SENSITIVE,
    Gfp.GFP_KERNEL | Gfp.GFP_DMA32, Gfp.GFP_TRANSHUGE_LIGHT | Gfp.__GFP_SENSITIVE,
  };

  @Test
  void buddy() {
    run("buddy", (arch, m) -> Allocators.buddy(arch, m, Fixtures.GFP_SENSITIVE, BuddyConfig.defaults(false), ""));
  }

  @Test
  void pageblockMigratetype() {
    Metrics m = run("pageblock-migratetype",
        (arch, mm) -> Allocators.buddy(arch, mm, Fixtures.GFP_SENSITIVE, BuddyConfig.defaults(true), ""));
    assertThat(m.get("pageblock_flips_to_nonsensitive")).isPositive();
    assertThat(m.get("pageblock_flips_to_sensitive")).isPositive();
  }

  @Test
  void unmappedPool() {
    Metrics m = run("unmapped-pool", (arch, mm) -> Allocators.unmappedPool(
        Allocators.buddy(arch, mm, Fixtures.GFP_SENSITIVE, BuddyConfig.defaults(false), ""),
        mm, Fixtures.GFP_SENSITIVE, Sensitivity.SENSITIVE, false, 9, 128));
    assertThat(m.get("pool_refills")).isPositive();
    assertThat(m.get("pool_shrinks")).isPositive();
  }

  interface Factory {
    PageAllocator build(FakeArch arch, Metrics m);
  }

  private static Metrics run(String name, Factory f) {
    FakeArch arch = new FakeArch(4, FRAMES, RESERVED);
    Metrics m = new Metrics();
    PageAllocator a = f.build(arch, m);
    long managed = FRAMES - RESERVED;
    assertThat(a.freePages()).isEqualTo(managed);
    SplittableRandom rnd = new SplittableRandom(42);
    BitSet held = new BitSet((int) FRAMES);
    long[] blocks = new long[1 << 20];
    int[] orders = new int[1 << 20];
    int n = 0;
    long heldPages = 0;
    boolean filling = true;
    for (int op = 0; op < OPS; op++) {
      double occupancy = (double) heldPages / managed;
      if (filling && occupancy > 0.97) {
        filling = false;
      } else if (!filling && occupancy < 0.2) {
        filling = true;
      }
      boolean alloc = n == 0 || (n < blocks.length && rnd.nextInt(100) < (filling ? 70 : 30));
      if (alloc) {
        int r = rnd.nextInt(100);
        int order = r < 60 ? 0 : r < 75 ? 1 : r < 85 ? 3 : r < 93 ? 4 : r < 98 ? 9 : 10;
        int gfp = GFPS[rnd.nextInt(GFPS.length)];
        long pfn = a.alloc(rnd.nextInt(4), order, gfp);
        if (pfn == PageAllocator.NO_PAGE) {
          continue;
        }
        int size = 1 << order;
        assertThat(pfn).as("%s op %d", name, op).isBetween(RESERVED, FRAMES - size);
        assertThat(pfn & (size - 1)).as("%s: alignment of %d order %d", name, pfn, order).isZero();
        int clash = held.nextSetBit((int) pfn);
        assertThat(clash < 0 || clash >= pfn + size).as("%s op %d: pfn %d order %d overlaps held frame %d", name, op, pfn, order, clash).isTrue();
        if ((gfp & Gfp.__GFP_DMA32) != 0) {
          assertThat(pfn + size).isLessThanOrEqualTo(ZoneSpan.MAX_DMA32_PFN);
        }
        held.set((int) pfn, (int) pfn + size);
        blocks[n] = pfn;
        orders[n] = order;
        n++;
        heldPages += size;
      } else {
        int i = rnd.nextInt(n);
        long pfn = blocks[i];
        int order = orders[i];
        a.free(rnd.nextInt(4), pfn, order);
        held.clear((int) pfn, (int) pfn + (1 << order));
        heldPages -= 1 << order;
        blocks[i] = blocks[n - 1];
        orders[i] = orders[n - 1];
        n--;
      }
      if ((op & 0xffff) == 0) {
        assertThat(a.freePages()).as("%s op %d", name, op).isEqualTo(managed - heldPages);
      }
      if (op % 100_000 == 0) {
        assertThat(a.checkConsistency()).as("%s op %d", name, op).isNull();
      }
    }
    assertThat(a.freePages()).isEqualTo(managed - heldPages);
    assertThat(a.checkConsistency()).isNull();
    assertThat(m.get("alloc_fallbacks")).isPositive();
    return m;
  }
}
