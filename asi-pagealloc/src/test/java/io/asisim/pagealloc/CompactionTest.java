package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.PageMigration;
import io.asisim.fixtures.FakeArch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Direct compaction ({@link Compaction}) on a hand-checked layout: one 16 MiB zone (8 pageblocks)
 * filled with movable order-0 pages, every odd page freed, so that 2048 pages are free and no
 * block above order 0 exists; then a THP-sized request.
 */
class CompactionTest {
  /** A kernel whose pages are the test's: every held page is movable; a move is recorded. */
  static class FakeMigration implements PageMigration {
    final Set<Long> held = new HashSet<>();
    final List<long[]> moves = new ArrayList<>();
    int flushes;
    int unflushed;

    @Override
    public boolean movable(long pfn) {
      return held.contains(pfn);
    }

    @Override
    public void migrate(int cpu, long src, long dst) {
      assertThat(held.remove(src)).as("source %d held", src).isTrue();
      held.add(dst);
      moves.add(new long[] {src, dst});
      unflushed++;
    }

    @Override
    public void flush(int cpu) {
      flushes++;
      unflushed = 0;
    }
  }

  static BuddyAllocator fragmented(Metrics m, FakeMigration mig, boolean asi) {
    FakeArch arch = new FakeArch(1, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, m, asi);
    a.attachMigration(mig);
    int gfp = Gfp.GFP_HIGHUSER_MOVABLE | (asi ? Gfp.__GFP_SENSITIVE : 0);
    long[] pages = new long[4096];
    int n = 0;
    for (long p; (p = a.alloc(0, 0, gfp)) >= 0; ) {
      pages[n++] = p;
    }
    for (int i = 0; i < n; i++) {
      if ((pages[i] & 1) != 0) {
        a.free(0, pages[i], 0);
      } else {
        mig.held.add(pages[i]);
      }
    }
    a.drainAllPages();
    return a;
  }

  @Test
  void aThpRequestCompactsTheFirstPageblockIntoHolesAtTheTop() {
    Metrics m = new Metrics();
    FakeMigration mig = new FakeMigration();
    BuddyAllocator a = fragmented(m, mig, false);
    int held = mig.held.size();
    assertThat(a.alloc(0, 9, Gfp.GFP_TRANSHUGE_LIGHT)).as("no reclaim, no compaction").isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get(StandardMetrics.COMPACT_STALL.name())).isZero();

    long pfn = a.alloc(0, 9, Gfp.GFP_TRANSHUGE);

    // the migrate scanner empties block 0 (256 pages, 8 batches of 32), the free scanner fills the
    // odd holes of the top block (3584..4095) from its start; then block 0 is one free order-9 block
    assertThat(pfn).isZero();
    assertThat(m.get(StandardMetrics.COMPACT_STALL.name())).isEqualTo(1);
    assertThat(m.get(StandardMetrics.COMPACT_SUCCESS.name())).isEqualTo(1);
    assertThat(m.get(StandardMetrics.COMPACT_FAIL.name())).isZero();
    assertThat(m.get(StandardMetrics.PGMIGRATE_SUCCESS.name())).isEqualTo(256);
    assertThat(m.get(StandardMetrics.PGMIGRATE_FAIL.name())).isZero();
    assertThat(m.get(StandardMetrics.COMPACT_MIGRATE_SCANNED.name())).isEqualTo(512);
    assertThat(m.get(StandardMetrics.COMPACT_FREE_SCANNED.name())).isEqualTo(512);
    assertThat(m.get(StandardMetrics.COMPACT_ISOLATED.name())).isEqualTo(512);
    assertThat(mig.flushes).isEqualTo(8);
    assertThat(mig.unflushed).isZero();
    assertThat(mig.moves.get(0)).containsExactly(0, 3585);
    assertThat(mig.moves.get(255)).containsExactly(510, 4095);
    assertThat(mig.held).hasSize(held).allMatch(p -> p >= 512);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void pagesTheKernelCannotMoveLeaveTheRequestToFailAndThePagesWhereTheyWere() {
    Metrics m = new Metrics();
    FakeMigration mig = new FakeMigration();
    BuddyAllocator a = fragmented(m, mig, false);
    Set<Long> pinned = new HashSet<>(mig.held);
    mig.held.clear(); // nothing is movable: isolation finds no page, the scanners meet
    assertThat(a.alloc(0, 9, Gfp.GFP_TRANSHUGE)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get(StandardMetrics.COMPACT_STALL.name())).isEqualTo(1);
    assertThat(m.get(StandardMetrics.COMPACT_FAIL.name())).isEqualTo(1);
    assertThat(m.get(StandardMetrics.PGMIGRATE_SUCCESS.name())).isZero();
    assertThat(m.get(StandardMetrics.COMPACT_FREE_SCANNED.name())).isZero();
    assertThat(pinned).hasSize(2048);
    // a sync retry after reclaim defers the zone once it also fails; the next request is deferred
    assertThat(a.allocAfterReclaim(0, 9, Gfp.GFP_TRANSHUGE)).isEqualTo(PageAllocator.NO_PAGE);
    Zone z = a.zones[0];
    assertThat(z.compactDeferShift).isEqualTo(1);
    assertThat(z.compactOrderFailed).as("no order has succeeded yet").isZero();
    long scanned = m.get(StandardMetrics.COMPACT_MIGRATE_SCANNED.name());
    assertThat(a.alloc(0, 9, Gfp.GFP_TRANSHUGE)).isEqualTo(PageAllocator.NO_PAGE);
    // deferred (1 of 2 considered): a stall and a failure without a scan
    assertThat(m.get(StandardMetrics.COMPACT_STALL.name())).isEqualTo(3);
    assertThat(m.get(StandardMetrics.COMPACT_FAIL.name())).isEqualTo(3);
    assertThat(m.get(StandardMetrics.COMPACT_MIGRATE_SCANNED.name())).isEqualTo(scanned);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void underAsiAPageMovesOnlyToAFreePageOfItsOwnSensitivity() {
    Metrics m = new Metrics();
    FakeMigration mig = new FakeMigration();
    BuddyAllocator a = fragmented(m, mig, true);
    long flipsBefore = m.get(StandardMetrics.PAGEBLOCK_FLIPS_TO_NONSENSITIVE.name())
        + m.get(StandardMetrics.PAGEBLOCK_FLIPS_TO_SENSITIVE.name());
    long pfn = a.alloc(0, 9, Gfp.GFP_TRANSHUGE | Gfp.__GFP_SENSITIVE);
    assertThat(pfn).isZero();
    for (long[] mv : mig.moves) {
      assertThat(a.sensitivity(mv[1])).isEqualTo(a.sensitivity(mv[0]));
    }
    assertThat(m.get(StandardMetrics.PAGEBLOCK_FLIPS_TO_NONSENSITIVE.name())
        + m.get(StandardMetrics.PAGEBLOCK_FLIPS_TO_SENSITIVE.name())).isEqualTo(flipsBefore);
    assertThat(a.checkConsistency()).isNull();
  }

  /**
   * Randomized: movable and unmovable pages of orders 0-3 allocated and freed at random on a
   * 16 MiB zone (with and without ASI), with order-4..9 requests that compact between them. After
   * every request the allocator's lists, counters and frame states agree (checkConsistency), the
   * free pages and the pages the test holds add up to the zone (no isolated page is lost), every
   * page the kernel holds is allocated, no page was moved twice into one frame, every move went to a
   * frame of the source's sensitivity, and no unmovable page moved.
   */
  @Test
  void randomChurnWithCompactionKeepsTheAllocatorConsistent() {
    for (boolean asi : new boolean[] {false, true}) {
      Metrics m = new Metrics();
      FakeArch arch = new FakeArch(2, 4096, 0);
      BuddyAllocator a = Fixtures.singleZone(arch, m, asi);
      FakeMigration mig = new FakeMigration() {
        @Override public void migrate(int cpu, long src, long dst) {
          assertThat(a.sensitivity(dst)).as("target sensitivity").isEqualTo(a.sensitivity(src));
          super.migrate(cpu, src, dst);
        }
      };
      a.attachMigration(mig);
      java.util.SplittableRandom r = new java.util.SplittableRandom(asi ? 7 : 3);
      java.util.List<long[]> unmovable = new ArrayList<>(); // {pfn, order}
      java.util.List<long[]> large = new ArrayList<>();
      long total = a.freePages();
      for (int step = 0; step < 12000; step++) {
        int what = r.nextInt(20);
        int cpu = r.nextInt(2);
        int sens = asi && r.nextBoolean() ? Gfp.__GFP_SENSITIVE : 0;
        if (what < 9) { // movable pages fill memory, freed at random: holes
          long p = a.alloc(cpu, 0, Gfp.GFP_HIGHUSER_MOVABLE | sens);
          if (p >= 0) {
            mig.held.add(p);
          }
        } else if (what < 13 && !mig.held.isEmpty()) {
          Long[] h = mig.held.toArray(new Long[0]);
          java.util.Arrays.sort(h);
          long p = h[r.nextInt(h.length)];
          mig.held.remove(p);
          a.free(cpu, p, 0);
        } else if (what == 13) {
          int order = r.nextInt(4);
          long p = a.alloc(cpu, order, Gfp.GFP_KERNEL | sens);
          if (p >= 0) {
            unmovable.add(new long[] {p, order});
          }
        } else if (what == 14 && !unmovable.isEmpty()) {
          long[] u = unmovable.remove(r.nextInt(unmovable.size()));
          a.free(cpu, u[0], (int) u[1]);
        } else if (what < 18) {
          int order = 4 + r.nextInt(6);
          long p = r.nextBoolean() ? a.alloc(cpu, order, Gfp.GFP_TRANSHUGE | sens)
              : a.allocAfterReclaim(cpu, order, Gfp.GFP_KERNEL | sens);
          if (p >= 0) {
            large.add(new long[] {p, order});
          }
        } else if (!large.isEmpty()) {
          long[] l = large.remove(r.nextInt(large.size()));
          a.free(cpu, l[0], (int) l[1]);
        }
        String bad = a.checkConsistency();
        assertThat(bad).as("asi %s step %d", asi, step).isNull();
        long inUse = mig.held.size();
        for (long[] b : unmovable) {
          inUse += 1L << b[1];
        }
        for (long[] b : large) {
          inUse += 1L << b[1];
        }
        assertThat(a.freePages() + inUse).as("asi %s step %d: no frame lost or made", asi, step).isEqualTo(total);
      }
      for (long p : mig.held) {
        assertThat(a.fa.ft.stateOf((int) p) & FrameTable.ALLOC).as("held page %d allocated", p).isNotZero();
      }
      assertThat(m.get(StandardMetrics.PGMIGRATE_SUCCESS.name())).as("asi " + asi).isPositive();
      assertThat(m.get(StandardMetrics.COMPACT_STALL.name())).as("asi " + asi).isPositive();
      assertThat(mig.moves).hasSize((int) m.get(StandardMetrics.PGMIGRATE_SUCCESS.name()));
      assertThat(mig.unflushed).isZero();
    }
  }

  /**
   * {@code should_continue_reclaim()}'s zone test: reclaim for a THP stops once the zone could
   * compact for it (fragmented, with {@code compact_gap()} of order-0 memory above min) or take it
   * at once, and goes on while it has too little memory or its free memory is in blocks too
   * large to be fragmentation's fault.
   */
  /** The highest zone a THP fault may use ({@code gfp_zone(GFP_TRANSHUGE)}). */
  private static final int THP_ZONE = Gfp.gfpZone(Gfp.GFP_TRANSHUGE);

  @Test
  void reclaimForACostlyOrderStopsOnceCompactionCouldGoAhead() {
    Metrics m = new Metrics();
    BuddyAllocator a = fragmented(m, new FakeMigration(), false);
    Zone z = a.zones[0];
    // 2048 free pages in order-0 holes: fragmentation index 1000 - (1000 + 4000) / 2048 = 998
    assertThat(ExtFrag.fragmentationIndex(9, z.nrFree)).isEqualTo(998);
    assertThat(z.freePages).isGreaterThanOrEqualTo(z.wmarkMin + 1024);
    assertThat(a.compactionWouldGoAhead(9, THP_ZONE)).isTrue();
    while (z.freePages >= z.wmarkMin + 1024) {
      assertThat(a.alloc(0, 0, Gfp.GFP_HIGHUSER_MOVABLE)).isNotNegative();
    }
    assertThat(a.compactionWouldGoAhead(9, THP_ZONE)).as("too little to migrate into: reclaim goes on").isFalse();
    assertThat(m.get(StandardMetrics.COMPACT_STALL.name())).as("asking compacts nothing").isZero();

    // free memory in order-8 blocks, none of order 9: index about 1000 - (1000 + 4000) / 8 = 375, at
    // most the threshold 500, so the request fails for lack of memory, not fragmentation
    BuddyAllocator b = Fixtures.singleZone(new FakeArch(1, 4096, 0), new Metrics(), false);
    b.attachMigration(new FakeMigration());
    List<Long> blocks = new ArrayList<>();
    for (long p; (p = b.alloc(0, 8, Gfp.GFP_HIGHUSER_MOVABLE)) >= 0; ) {
      blocks.add(p);
    }
    for (long p : blocks) {
      if ((p & 256) != 0) {
        b.free(0, p, 8);
      }
    }
    Zone bz = b.zones[0];
    assertThat(bz.nrFree[9] + bz.nrFree[10]).isZero();
    assertThat(ExtFrag.fragmentationIndex(9, bz.nrFree)).isLessThanOrEqualTo(Compaction.EXTFRAG_THRESHOLD);
    assertThat(b.compactionWouldGoAhead(9, THP_ZONE)).isFalse();
    // one order-9 block freed whole: the allocation itself would succeed at min
    long lowBlock = blocks.stream().filter(p -> (p & 256) == 0).findFirst().orElseThrow();
    b.free(0, lowBlock, 8);
    assertThat(bz.nrFree[9] + bz.nrFree[10]).isPositive();
    assertThat(b.compactionWouldGoAhead(9, THP_ZONE)).isTrue();
  }

  /**
   * {@code __alloc_pages_slowpath()}'s {@code nopage} for a costly {@code __GFP_NORETRY} request
   * (a THP fault under defrag=always): when its first, asynchronous compaction was skipped or
   * deferred it gives up before reclaim; when compaction ran and failed, reclaim may follow.
   */
  @Test
  void aCostlyNoretryRequestWhoseCompactionCouldNotRunGivesUpBeforeReclaim() {
    int noretry = Gfp.GFP_TRANSHUGE | Gfp.__GFP_NORETRY;
    Metrics m = new Metrics();
    BuddyAllocator a = fragmented(m, new FakeMigration(), false);
    Zone z = a.zones[0];
    while (z.freePages >= z.wmarkLow + 1024) {
      assertThat(a.alloc(0, 0, Gfp.GFP_HIGHUSER_MOVABLE)).isNotNegative();
    }
    assertThat(a.alloc(0, 9, noretry)).as("too little memory to compact: skipped").isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.takeNoReclaim()).isTrue();
    assertThat(a.takeNoReclaim()).as("reading clears it").isFalse();
    assertThat(m.get(StandardMetrics.COMPACT_STALL.name())).isZero();
    assertThat(a.alloc(0, 9, Gfp.GFP_TRANSHUGE)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.takeNoReclaim()).as("without __GFP_NORETRY the slow path goes on to reclaim").isFalse();

    Metrics m2 = new Metrics();
    FakeMigration mig = new FakeMigration();
    BuddyAllocator b = fragmented(m2, mig, false);
    mig.held.clear(); // nothing movable: compaction runs and fails (COMPACT_COMPLETE)
    assertThat(b.alloc(0, 9, noretry)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m2.get(StandardMetrics.COMPACT_STALL.name())).isEqualTo(1);
    assertThat(b.takeNoReclaim()).as("compaction ran: reclaim, then one more async compaction").isFalse();
    assertThat(b.allocAfterReclaim(0, 9, Gfp.GFP_TRANSHUGE)).isEqualTo(PageAllocator.NO_PAGE); // sync: defers
    assertThat(b.alloc(0, 9, noretry)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(b.takeNoReclaim()).as("deferred").isTrue();

    // without compaction (no page migration attached: !CONFIG_COMPACTION) the block is skipped:
    // no nopage exit, and no reclaim/compaction mode to keep reclaim going
    BuddyAllocator c = Fixtures.singleZone(new FakeArch(1, 4096, 0), new Metrics(), false);
    Zone cz = c.zones[0];
    while (cz.freePages >= cz.wmarkLow + 1024) {
      assertThat(c.alloc(0, 0, Gfp.GFP_HIGHUSER_MOVABLE)).isNotNegative();
    }
    for (long p; (p = c.alloc(0, 9, noretry)) >= 0; ) {
      assertThat(p).isNotNegative(); // the free 2 MiB blocks left
    }
    assertThat(c.takeNoReclaim()).as("no compaction: the request goes on to reclaim").isFalse();
    assertThat(c.compactionWouldGoAhead(9, THP_ZONE)).isTrue();
  }

  /**
   * kcompactd on the hand-checked layout: suitable (fragmented, enough order-0 memory), it compacts
   * as the direct compaction above does (block 0 emptied, 256 pages moved) but counts no stall;
   * then the order-9 block is there for a request that may not compact, and kcompactd is no longer
   * suitable (the allocation would succeed).
   */
  @Test
  void kcompactdCompactsInTheBackgroundWithoutAStall() {
    Metrics m = new Metrics();
    FakeMigration mig = new FakeMigration();
    BuddyAllocator a = fragmented(m, mig, false);
    assertThat(a.kcompactdSuitable(9, THP_ZONE)).isTrue();
    a.kcompactd(0, 9, THP_ZONE, Gfp.GFP_TRANSHUGE_LIGHT);
    assertThat(m.get(StandardMetrics.COMPACT_DAEMON_WAKE.name())).isEqualTo(1);
    assertThat(m.get(StandardMetrics.COMPACT_STALL.name())).isZero();
    assertThat(m.get(StandardMetrics.PGMIGRATE_SUCCESS.name())).isEqualTo(256);
    assertThat(m.get(StandardMetrics.COMPACT_DAEMON_MIGRATE_SCANNED.name()))
        .isEqualTo(m.get(StandardMetrics.COMPACT_MIGRATE_SCANNED.name())).isEqualTo(512);
    assertThat(m.get(StandardMetrics.COMPACT_DAEMON_FREE_SCANNED.name()))
        .isEqualTo(m.get(StandardMetrics.COMPACT_FREE_SCANNED.name())).isEqualTo(512);
    assertThat(a.kcompactdSuitable(9, THP_ZONE)).as("a block is free: the allocation would succeed").isFalse();
    assertThat(a.alloc(0, 9, Gfp.GFP_TRANSHUGE_LIGHT)).isZero();
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void withoutAttachedMigrationOrWithCompactionOffNothingCompacts() {
    Metrics m = new Metrics();
    FakeArch arch = new FakeArch(1, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, m, false);
    while (a.alloc(0, 0, Gfp.GFP_HIGHUSER_MOVABLE) >= 0) {
      // fill
    }
    assertThat(a.alloc(0, 9, Gfp.GFP_TRANSHUGE)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.all()).doesNotContainKey(StandardMetrics.COMPACT_STALL.name());

    BuddyConfig t = Fixtures.tinyWatermarks(false);
    BuddyConfig off = new BuddyConfig(t.asiPageblock(), t.cmaPageblocks(), t.thpMinFree(), t.minFreeKbytes(),
        t.watermarkScaleFactor(), t.costPcp(), t.costBuddy(), t.costFallback(), t.watermarkBoostFactor(), false);
    Metrics m2 = new Metrics();
    BuddyAllocator b = new BuddyAllocator(arch, m2, Fixtures.GFP_SENSITIVE, off,
        List.of(new ZoneSpan(1, "DMA32", 0, arch.nrFrames())));
    b.freeAllBootMemory();
    b.attachMigration(new FakeMigration());
    assertThat(m2.all()).doesNotContainKey(StandardMetrics.COMPACT_STALL.name());
    assertThat(a.compactionWouldGoAhead(9, THP_ZONE)).as("no migration: reclaim stops after its batch").isTrue();
    assertThat(b.compactionWouldGoAhead(9, THP_ZONE)).as("compaction off: likewise").isTrue();
    assertThat(b.kcompactdSuitable(9, THP_ZONE)).as("no kcompactd without compaction").isFalse();
  }
}
