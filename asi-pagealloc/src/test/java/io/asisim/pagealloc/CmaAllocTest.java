package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_CMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.fixtures.FakeArch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code cma_alloc()} → {@code alloc_contig_range()} ({@link Cma}, {@link ContigRange}) on one
 * 16 MiB zone (4096 frames, 8 pageblocks) whose top two pageblocks, 3072..4095, are the CMA area;
 * watermarks 0, one CPU. "Filled": every frame taken by a movable order-0 page the kernel can move
 * (movable requests use CMA too), then the odd frames below 3072 freed: 1 536 migration targets.
 */
class CmaAllocTest {
  private final Metrics m = new Metrics();
  private final CompactionTest.FakeMigration mig = new CompactionTest.FakeMigration();

  private BuddyAllocator allocator(boolean asi) {
    BuddyAllocator a = new BuddyAllocator(new FakeArch(1, 4096, 0), m, Fixtures.GFP_SENSITIVE,
        new BuddyConfig(asi, 2, false, 1, 1, 100, 400, 1500), List.of(new ZoneSpan(1, "DMA32", 0, 4096)));
    a.freeAllBootMemory();
    a.attachMigration(mig);
    return a;
  }

  private BuddyAllocator filled() {
    BuddyAllocator a = allocator(false);
    for (long p; (p = a.alloc(0, 0, GFP_HIGHUSER_MOVABLE)) >= 0; ) {
      mig.held.add(p);
    }
    assertThat(mig.held).hasSize(4096);
    for (long p = 1; p < 3072; p += 2) {
      mig.held.remove(p);
      a.free(0, p, 0);
    }
    a.drainAllPages();
    return a;
  }

  @Test
  void aFreeAreaIsHandedOutWholeAndComesBack() {
    BuddyAllocator a = allocator(false);
    long free = a.freePages();
    assertThat(a.cmaAlloc(0, 2)).isEqualTo(3072);
    assertThat(a.freePages()).isEqualTo(free - 1024);
    assertThat(a.ft.stateOf(3072)).isEqualTo(FrameTable.ALLOC | 9);
    assertThat(a.ft.stateOf(3584)).isEqualTo(FrameTable.ALLOC | 9);
    assertThat(a.ft.pbMigratetype(3072)).as("undo_isolate_page_range()").isEqualTo(MIGRATE_CMA);
    assertThat(a.cmaAlloc(0, 1)).as("no free run left").isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("cma_alloc_success")).isEqualTo(1);
    assertThat(m.get("cma_alloc_fail")).isEqualTo(1);
    assertThat(m.get("cma_busy_retries")).isZero();
    assertThat(m.get("pgmigrate_success")).isZero();
    assertThat(a.checkConsistency()).isNull();

    a.cmaRelease(0, 3072, 2);
    assertThat(a.freePages()).isEqualTo(free);
    assertThat(Fixtures.count(a, 10, MIGRATE_CMA)).as("merged back into one CMA block").isEqualTo(1);
    assertThat(a.checkConsistency()).isNull();
    assertThatThrownBy(() -> a.cmaRelease(0, 3072, 1)).hasMessageContaining("not allocated");
    assertThatThrownBy(() -> a.cmaAlloc(0, 3)).hasMessageContaining("valid: 1..2");
  }

  @Test
  void aFreeBlockAcrossTheRunsEdgeIsSplitFirst() {
    BuddyAllocator a = allocator(false);
    assertThat(Fixtures.count(a, 10, MIGRATE_CMA)).as("the area is one free order-10 block").isEqualTo(1);
    assertThat(a.cmaAlloc(0, 1)).isEqualTo(3072);
    // isolate_single_pageblock(): the block is split at 3584; the upper half stays free, on the CMA list
    assertThat(Fixtures.count(a, 9, MIGRATE_CMA)).isEqualTo(1);
    assertThat(a.ft.stateOf(3584)).isEqualTo(FrameTable.BUDDY | 9);
    assertThat(a.cmaAlloc(0, 1)).isEqualTo(3584);
    a.cmaRelease(0, 3072, 1);
    a.cmaRelease(0, 3584, 1);
    assertThat(Fixtures.count(a, 10, MIGRATE_CMA)).isEqualTo(1);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void movablePagesInTheRunAreMigratedOutOfIt() {
    BuddyAllocator a = filled();
    int moves = mig.moves.size();
    assertThat(a.cmaAlloc(0, 1)).isEqualTo(3072);
    // all 512 pages of the run moved, in 16 batches of COMPACT_CLUSTER_MAX, each with one flush
    assertThat(m.get("pgmigrate_success")).isEqualTo(512);
    assertThat(mig.moves).hasSize(moves + 512);
    assertThat(mig.flushes).isEqualTo(16);
    assertThat(mig.moves.subList(moves, moves + 512)).allMatch(mv -> mv[0] >= 3072 && mv[0] < 3584)
        .allMatch(mv -> mv[1] < 3072 && (mv[1] & 1) == 1);
    assertThat(mig.held).hasSize(4096 - 1536).noneMatch(p -> p >= 3072 && p < 3584);
    assertThat(a.ft.stateOf(3072)).isEqualTo(FrameTable.ALLOC | 9);
    assertThat(m.get("cma_alloc_success")).isEqualTo(1);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void aFreePageOnAPcpListIsDrainedIntoTheRun() {
    BuddyAllocator a = filled();
    mig.held.remove(3200L);
    a.free(0, 3200, 0);
    assertThat(a.ft.stateOf(3200) & FrameTable.WHERE_MASK).as("on the CPU's pcp list").isEqualTo(FrameTable.PCP);
    assertThat(a.cmaAlloc(0, 1)).as("drain_all_pages() puts it on the isolate list").isEqualTo(3072);
    assertThat(m.get("pgmigrate_success")).isEqualTo(511);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void aPageThatCannotMoveMakesTheRunBusyAndTheNextRunIsTried() {
    BuddyAllocator a = filled();
    mig.held.remove(3100L); // pinned: the kernel cannot migrate it
    assertThat(a.cmaAlloc(0, 1)).isEqualTo(3584);
    assertThat(m.get("cma_busy_retries")).isEqualTo(1);
    assertThat(m.get("cma_alloc_success")).isEqualTo(1);
    // the busy run's other 511 pages moved anyway (the kernel does not move them back), then the second run's 512
    assertThat(m.get("pgmigrate_success")).isEqualTo(511 + 512);
    assertThat(a.ft.pbMigratetype(3072)).isEqualTo(MIGRATE_CMA);
    Zone z = a.zones[0];
    int cmaFree = 0;
    for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
      cmaFree += z.freeLen(z.list(o, MIGRATE_CMA)) << o;
    }
    assertThat(cmaFree).as("the busy run's freed pages went back to the CMA lists").isEqualTo(511);
    assertThat(a.checkConsistency()).isNull();
    mig.held.remove(3600L); // nothing left to try
    assertThat(a.cmaAlloc(0, 1)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("cma_alloc_fail")).isEqualTo(1);
    assertThat(a.checkConsistency()).isNull();
  }

  /**
   * Filled, then only 40 targets below the area (the other odd frames taken again): the first run
   * moves a batch of 32 pages and 8 of the next, whose 9th finds no target. {@code -ENOMEM}:
   * {@code __alloc_contig_migrate_range()} stops at once (the rest of the run not scanned, no second
   * pass), {@code pgmigrate_fail} 1, and {@code cma_alloc()} does not try the second run (only
   * {@code -EBUSY} does): {@code cma_busy_retries} 0, {@code cma_alloc_fail} 1.
   */
  @Test
  void enomemForATargetEndsTheRangeAndTheRequest() {
    BuddyAllocator a = filled();
    long[] taken = new long[1536];
    for (int i = 0; i < taken.length; i++) {
      taken[i] = a.alloc(0, 0, GFP_HIGHUSER_MOVABLE);
    }
    for (int i = 0; i < 40; i++) {
      a.free(0, taken[i], 0);
    }
    a.drainAllPages();
    assertThat(a.freePages()).isEqualTo(40);
    assertThat(a.cmaAlloc(0, 1)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("pgmigrate_success")).isEqualTo(40);
    assertThat(m.get("pgmigrate_fail")).isEqualTo(1);
    assertThat(m.get("cma_busy_retries")).isZero();
    assertThat(m.get("cma_alloc_fail")).isEqualTo(1);
    assertThat(a.ft.pbMigratetype(3072)).isEqualTo(MIGRATE_CMA);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void underAsiTheDeviceGetsThePageblocksWithTheSensitivityTheyHad() {
    BuddyAllocator a = allocator(true);
    assertThat(a.cmaAlloc(0, 2)).isEqualTo(3072);
    assertThat(m.get("asi_cma_sensitive_pageblocks")).as("every pageblock is sensitive at boot").isEqualTo(2);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void withoutACmaAreaThereIsNothingToAllocate() {
    BuddyAllocator a = Fixtures.singleZone(new FakeArch(1, 4096, 0), m, false);
    assertThat(a.cmaAlloc(0, 1)).isEqualTo(PageAllocator.NO_PAGE);
    assertThatThrownBy(() -> a.cmaRelease(0, 3072, 1)).hasMessageContaining("no CMA area");
  }
}
