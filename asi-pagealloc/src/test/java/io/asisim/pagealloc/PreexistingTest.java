package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Migratetype;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import io.asisim.pagealloc.proc.PagetypeInfo;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Frees of blocks allocated before the simulation began ({@link BuddyAllocator#freePreexisting}),
 * on the state of a real /proc/pagetypeinfo: the lowest aligned block of held frames, MOVABLE
 * pageblocks first, becomes free memory; nothing else is touched, and an unseeded allocator has
 * nothing to give.
 */
class PreexistingTest {
  private static BuddyAllocator seeded(boolean asi) throws IOException {
    PagetypeInfo info = PagetypeInfo.parse(ProcFsTest.resource("/proc/pagetypeinfo-6.18-vm.txt"), "pagetypeinfo");
    FakeArch arch = new FakeArch(2, info.memoryBytes() / 4096, 256);
    return Allocators.seeded(arch, new Metrics(), Fixtures.GFP_SENSITIVE, BuddyConfig.defaults(asi), info, "pagetypeinfo");
  }

  /** The first aligned run of {@code n} frames allocated at seeding whose pageblocks are all {@code movable} or not. */
  private static int firstHeldRun(BuddyAllocator a, int n, boolean movableOnly) {
    for (int p = 0; p + n <= a.ft.nrFrames; p += n) {
      boolean ok = true;
      for (int i = p; i < p + n && ok; i++) {
        ok = (a.ft.stateOf(i) & FrameTable.ALLOC) != 0
            && (!movableOnly || a.ft.pbMigratetype(i) == Migratetype.MIGRATE_MOVABLE);
      }
      if (ok) {
        return p;
      }
    }
    return -1;
  }

  @Test
  void aPreexistingBlockBecomesFreeMemory() throws IOException {
    for (boolean asi : new boolean[] {false, true}) {
      BuddyAllocator a = seeded(asi);
      long held = a.preexisting.held();
      assertThat(held).isPositive();
      for (int order : new int[] {0, 3, 0, 9}) {
        int expect = firstHeldRun(a, 1 << order, true);
        long free = a.freePages();
        assertThat(a.freePreexisting(1, order)).isEqualTo(expect);
        assertThat(a.freePages()).isEqualTo(free + (1L << order));
        assertThat(a.checkConsistency()).isNull();
        held -= 1L << order;
        assertThat(a.preexisting.held()).isEqualTo(held);
      }
    }
  }

  @Test
  void movablePageblocksFirstThenAnyThenNone() {
    FakeArch arch = new FakeArch(1, 4 * FrameTable.PB_PAGES, 0);
    BuddyAllocator a = Allocators.buddy(arch, new Metrics(), null, BuddyConfig.defaults(false), "");
    FrameTable ft = a.ft;
    Preexisting pre = new Preexisting(ft.nrFrames);
    // pageblock 0 unmovable with frames 0..3 held, pageblock 2 movable with frames 1030..1031 held
    ft.setPbMigratetype(0, Migratetype.MIGRATE_UNMOVABLE);
    ft.setPbMigratetype(2 * FrameTable.PB_PAGES, Migratetype.MIGRATE_MOVABLE);
    for (int p : new int[] {0, 1, 2, 3, 1030, 1031}) {
      pre.mark(p);
    }
    assertThat(pre.take(1, ft)).isEqualTo(1030); // movable first, aligned to 2
    assertThat(pre.take(1, ft)).isEqualTo(0); // then any pageblock
    assertThat(pre.take(0, ft)).isEqualTo(2);
    assertThat(pre.take(1, ft)).isEqualTo(-1); // 3 alone is no aligned pair
    assertThat(pre.take(0, ft)).isEqualTo(3);
    assertThat(pre.take(0, ft)).isEqualTo(-1);
    assertThat(pre.held()).isZero();
  }

  @Test
  void anUnseededAllocatorHasNothingToFree() throws IOException {
    FakeArch arch = new FakeArch(2, 64L << 8, 0);
    BuddyAllocator fresh = Allocators.buddy(arch, new Metrics(), null, BuddyConfig.defaults(false), "");
    assertThat(fresh.freePreexisting(0, 0)).isEqualTo(-1);
    // the unmapped pool gives the main allocator's seeded frames back to the main allocator
    BuddyAllocator main = seeded(false);
    UnmappedPoolAllocator pool = Allocators.unmappedPool(main, new Metrics(), Fixtures.GFP_SENSITIVE,
        Sensitivity.SENSITIVE, false, 9, 128);
    long free = main.freePages();
    int expect = firstHeldRun(main, 4, true);
    assertThat(expect).isNotNegative();
    assertThat(pool.freePreexisting(0, 2)).isEqualTo(expect);
    assertThat(main.freePages()).isEqualTo(free + 4);
  }
}
