package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.fixtures.FakeArch;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The frame table populates a pageblock's per-frame arrays only when a block below pageblock
 * order is carved from it, and a populated table reads the same as the dense one did.
 */
class FrameTableTest {
  private static final int PB = FrameTable.PB_PAGES;

  /** {@link Fixtures#singleZone} with the frame table chunked, as on a machine above 16 GiB. */
  private static BuddyAllocator chunked(FakeArch arch) {
    BuddyAllocator a = new BuddyAllocator(arch, new Metrics(), Fixtures.GFP_SENSITIVE, Fixtures.tinyWatermarks(false),
        List.of(new ZoneSpan(1, "DMA32", 0, arch.nrFrames())), 0);
    a.freeAllBootMemory();
    return a;
  }

  @Test
  void aSmallMachineKeepsTheDenseTableAndALargeOneChunks() {
    assertThat(new FrameTable(FrameTable.DENSE_MAX_FRAMES).arrayBytes())
        .isEqualTo(FrameTable.DENSE_MAX_FRAMES * 9 + FrameTable.DENSE_MAX_FRAMES / PB);
    FrameTable big = new FrameTable(FrameTable.DENSE_MAX_FRAMES + PB);
    assertThat(big.arrayBytes()).isEqualTo((FrameTable.DENSE_MAX_FRAMES / PB + 1) * 18);
    big.setState(PB + 1, FrameTable.ALLOC);
    assertThat(big.populatedChunks()).isEqualTo(1);
  }

  @Test
  void onlyHeadsInsideAPageblockPopulateIt() {
    FrameTable ft = new FrameTable(8 * PB, 0);
    assertThat(ft.populatedChunks()).isZero();
    // heads of order 9 and 10 sit on pageblock boundaries: dense arrays, nothing populated
    ft.setState(0, FrameTable.BUDDY | 10);
    ft.setState(2 * PB, FrameTable.ALLOC | 9);
    ft.setState(3 * PB, FrameTable.BUDDY | 9);
    int[] lists = FrameTable.newLists(2);
    ft.listAdd(lists, 0, 0, false);
    ft.listAdd(lists, 0, 3 * PB, true);
    assertThat(ft.populatedChunks()).isZero();
    // a tail written as a tail in an unpopulated pageblock stores nothing
    ft.setState(PB + 7, 0);
    assertThat(ft.populatedChunks()).isZero();
    assertThat(ft.stateOf(PB + 7)).isZero();
    // an order-3 head inside pageblock 4 populates it, once
    ft.setState(4 * PB + 8, FrameTable.BUDDY | 3);
    ft.listAdd(lists, 1, 4 * PB + 8, false);
    ft.setState(4 * PB + 16, FrameTable.PCP);
    assertThat(ft.populatedChunks()).isEqualTo(1);
    // a list link written first (a frame joining a list) populates too
    ft.listAdd(lists, 1, 6 * PB + 1, true);
    assertThat(ft.populatedChunks()).isEqualTo(2);
    assertThat(ft.stateOf(4 * PB + 8)).isEqualTo(FrameTable.BUDDY | 3);
    assertThat(ft.stateOf(4 * PB + 9)).isZero();
    assertThat(ft.isBuddy(3 * PB, 9)).isTrue();
    assertThat(ft.next(0)).isEqualTo(3 * PB);
    assertThat(ft.prev(3 * PB)).isEqualTo(0);
    assertThat(ft.next(4 * PB + 8)).isEqualTo(6 * PB + 1);
    assertThat(ft.prev(6 * PB + 1)).isEqualTo(4 * PB + 8);
    ft.listDel(lists, 1, 4 * PB + 8);
    assertThat(FrameTable.head(lists, 1)).isEqualTo(6 * PB + 1);
    assertThat(ft.prev(6 * PB + 1)).isEqualTo(Zone.NIL);
    // 8 chunk heads (8 + 4 + 1 + 4 bytes each, and the pageblock byte) and two populated chunks
    assertThat(ft.arrayBytes()).isEqualTo(8 * 18L + 2L * PB * 9);
  }

  @Test
  void bootAndHugeAllocationsPopulateNothingAndOrderZeroPopulatesItsPageblock() {
    FakeArch arch = new FakeArch(2, 16 * PB, 0);
    BuddyAllocator a = chunked(arch);
    FrameTable ft = a.ft;
    assertThat(ft.populatedChunks()).isZero();
    long huge = a.alloc(0, 9, GFP_HIGHUSER_MOVABLE);
    long max = a.alloc(0, 10, GFP_KERNEL);
    assertThat(huge).isNotNegative();
    assertThat(max).isNotNegative();
    assertThat(ft.populatedChunks()).isZero();
    a.free(0, huge, 9);
    a.free(0, max, 10);
    assertThat(ft.populatedChunks()).isZero();
    long small = a.alloc(0, 0, GFP_KERNEL);
    assertThat(small).isNotNegative();
    // the pcp refill (rmqueue_bulk() of a batch) and expand() carve from the pageblock of the
    // first block split, and the halves expand() frees land inside it, never in another one
    int populated = ft.populatedChunks();
    assertThat(populated).isEqualTo(1);
    assertThat(a.checkConsistency()).isNull();
  }

  /**
   * Under random allocations and frees of every order, the state any frame reads back is what
   * the allocator's own consistency check expects (it walks every frame's state and every list),
   * and the populated pageblocks are exactly those with a head inside them at some time.
   */
  @Test
  void randomAllocationsStayConsistentAndPopulateOnlyPageblocksWithInnerHeads() {
    FakeArch arch = new FakeArch(2, 64 * PB, 0);
    BuddyAllocator a = chunked(arch);
    FrameTable ft = a.ft;
    boolean[] everInner = new boolean[64];
    Fixtures.randomTraffic(a, new SplittableRandom(7), 20_000, 2,
        r -> r.nextInt(5) == 0 ? 9 + r.nextInt(2) : r.nextInt(4), i -> {
          for (int pfn = 0; pfn < 64 * PB; pfn++) {
            if ((pfn & (PB - 1)) != 0 && ft.stateOf(pfn) != 0) {
              everInner[pfn / PB] = true;
            }
          }
          if (i % 1000 == 0) {
            assertThat(a.checkConsistency()).as("after op %d", i).isNull();
          }
        });
    int inner = 0;
    for (boolean b : everInner) {
      inner += b ? 1 : 0;
    }
    assertThat(inner).isPositive();
    // a pageblock populates when a head appears inside it, and the check above saw every state
    // between ops; a head that appeared and went inside one op is the only way to exceed it
    assertThat(ft.populatedChunks()).isBetween(inner, 64);
  }
}
