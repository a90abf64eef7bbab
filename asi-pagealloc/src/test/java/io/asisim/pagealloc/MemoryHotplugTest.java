package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Migratetype.MIGRATE_ISOLATE;
import static io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.fixtures.FakeArch;
import org.junit.jupiter.api.Test;

/**
 * {@code offline_pages()} / {@code online_pages()} ({@link MemoryHotplug}) on 64 MiB with
 * movablecore=16M: DMA 0..4096, DMA32 4096..12288, Movable 12288..16384; watermarks 0 but
 * Movable's min (32); lowmem reserves DMA (0, 32, 32, 48), DMA32 (0, 0, 0, 16). One CPU.
 */
class MemoryHotplugTest {
  private static final long M = 1L << 20;
  private final Metrics m = new Metrics();
  private final CompactionTest.FakeMigration mig = new CompactionTest.FakeMigration();

  private BuddyAllocator allocator() {
    return allocator(1, false, m, mig);
  }

  /** 64 MiB on {@code cpus} CPUs, the top 16 MiB ZONE_MOVABLE ({@code movablecore=16M}), migrating through {@code fm}. */
  private static BuddyAllocator allocator(int cpus, boolean asi, Metrics metrics, CompactionTest.FakeMigration fm) {
    FakeArch arch = new FakeArch(cpus, 16384, 0);
    BuddyConfig cfg = Fixtures.tinyWatermarks(asi).withCore(0, 16 * M);
    BuddyAllocator a = new BuddyAllocator(arch, metrics, Fixtures.GFP_SENSITIVE, cfg,
        ZoneMovable.spans(arch.nrFrames(), cfg.kernelcoreBytes(), cfg.movablecoreBytes()));
    a.freeAllBootMemory();
    a.attachMigration(fm);
    return a;
  }

  @Test
  void aBlockOfMovablePagesGoesOfflineAndComesBack() {
    BuddyAllocator a = allocator();
    for (int i = 0; i < 300; i++) {
      long p = a.alloc(0, 0, GFP_HIGHUSER_MOVABLE);
      assertThat(p).isGreaterThanOrEqualTo(12288); // ZONE_MOVABLE first
      mig.held.add(p);
    }
    long inRange = mig.held.stream().filter(p -> p >= 12288 && p < 14336).count();
    assertThat(inRange).isPositive();
    long free = a.freePages();
    Zone movable = a.fa.byIndex[Gfp.ZONE_MOVABLE];

    assertThat(a.offlinePages(0, 12288, 2048)).isZero();
    // every held page of the block migrated out, into the rest of ZONE_MOVABLE
    assertThat(m.get("pgmigrate_success")).isEqualTo(inRange);
    assertThat(mig.held).hasSize(300).allMatch(p -> p >= 14336);
    assertThat(a.freePages()).as("the block's 2048 pages are gone").isEqualTo(free - 2048);
    assertThat(movable.managedPages).isEqualTo(2048);
    // init_per_zone_wmark_min(): the reserves against ZONE_MOVABLE shrink with it
    assertThat(a.fa.byIndex[0].lowmemReserve).containsExactly(0, 32, 32, 40); // (8192 + 2048) / 256
    assertThat(a.fa.byIndex[1].lowmemReserve).containsExactly(0, 0, 0, 8); // 2048 / 256
    assertThat(a.checkConsistency()).isNull();
    assertThat(a.offlinePages(0, 12288, 2048)).as("already offline").isEqualTo(-PageAllocator.EINVAL);
    // nothing is allocated from an offline block
    for (long p; (p = a.alloc(0, 0, GFP_HIGHUSER_MOVABLE)) >= 0; ) {
      assertThat(p < 12288 || p >= 14336).as("pfn %d", p).isTrue();
    }

    BuddyAllocator b = allocator();
    assertThat(b.offlinePages(0, 12288, 2048)).isZero();
    long offlineFree = b.freePages();
    assertThat(b.onlinePages(0, 12288, 2048)).isZero();
    assertThat(b.freePages()).as("online_pages(): free buddy pages").isEqualTo(offlineFree + 2048);
    assertThat(b.fa.byIndex[Gfp.ZONE_MOVABLE].managedPages).isEqualTo(4096);
    assertThat(b.fa.byIndex[0].lowmemReserve).containsExactly(0, 32, 32, 48);
    assertThat(b.ft.pbMigratetype(12288)).isEqualTo(MIGRATE_MOVABLE);
    Zone bm = b.fa.byIndex[Gfp.ZONE_MOVABLE];
    assertThat(bm.freeLen(bm.list(10, MIGRATE_MOVABLE))).as("merged back into 4 order-10 blocks").isEqualTo(4);
    assertThat(b.onlinePages(0, 12288, 2048)).as("not offline").isEqualTo(-PageAllocator.EINVAL);
    assertThat(b.checkConsistency()).isNull();
  }

  @Test
  void aBlockWithAnUnmovablePageIsBusyAndIsolationIsUndone() {
    BuddyAllocator a = allocator();
    long k = a.alloc(0, 0, GFP_KERNEL);
    assertThat(k).isBetween(4096L, 12287L); // DMA32: GFP_KERNEL never reaches Movable
    long movableInDma32 = a.alloc(0, 0, GFP_KERNEL | Gfp.__GFP_MOVABLE); // movable, but not GFP_HIGHUSER
    mig.held.add(movableInDma32);
    int start = (int) (k & ~2047L);
    long free = a.freePages();
    long managed = a.fa.byIndex[1].managedPages;
    assertThat(a.offlinePages(0, start, 2048)).isEqualTo(-PageAllocator.EBUSY);
    for (int pb = start; pb < start + 2048; pb += FrameTable.PB_PAGES) {
      assertThat(a.ft.pbMigratetype(pb)).as("undo_isolate_page_range()").isNotEqualTo(MIGRATE_ISOLATE);
    }
    assertThat(a.freePages()).isEqualTo(free);
    assertThat(a.fa.byIndex[1].managedPages).isEqualTo(managed);
    assertThat(a.hotplug.isOffline(start)).isFalse();
    assertThat(a.checkConsistency()).isNull();
    assertThat(a.offlinePages(0, 10240, 4096)).as("DMA32 and Movable: not one zone").isEqualTo(-PageAllocator.EINVAL);
    assertThat(a.offlinePages(0, 12288 + 1, 512)).as("not whole pageblocks").isEqualTo(-PageAllocator.EINVAL);
  }

  @Test
  void aBlockWithCmaPageblocksIsBusy() {
    FakeArch arch = new FakeArch(1, 16384, 0);
    BuddyConfig cfg = new BuddyConfig(false, 2, false, 1, 1, 100, 400, 1500).withCore(0, 16 * M);
    BuddyAllocator a = new BuddyAllocator(arch, m, Fixtures.GFP_SENSITIVE, cfg,
        ZoneMovable.spans(arch.nrFrames(), cfg.kernelcoreBytes(), cfg.movablecoreBytes()));
    a.freeAllBootMemory();
    assertThat(a.ft.pbMigratetype(15872)).as("the CMA area tops ZONE_MOVABLE").isEqualTo(io.asisim.api.mm.Migratetype.MIGRATE_CMA);
    assertThat(a.offlinePages(0, 14336, 2048)).isEqualTo(-PageAllocator.EBUSY);
    assertThat(a.offlinePages(0, 12288, 2048)).isZero();
    assertThat(a.checkConsistency()).isNull();
  }

  /**
   * Random movable and kernel traffic with random offlines and onlines of the two 1024-page blocks
   * of ZONE_MOVABLE's lower half (each offline followed by a mirrored teardown of its restricted
   * aliases, as the engine's arch_remove_memory() does), plain and pageblock-migratetype: after every step the checker
   * passes, no held page lies in an offline block, and the zone's managed pages are its span minus
   * its offline blocks.
   */
  @Test
  void randomHotplugUnderTrafficKeepsTheAllocatorConsistent() {
    long migrated = 0;
    for (boolean asi : new boolean[] {false, true}) {
      for (long seed = 1; seed <= 3; seed++) {
        Metrics metrics = new Metrics();
        CompactionTest.FakeMigration fm = new CompactionTest.FakeMigration();
        BuddyAllocator a = allocator(2, asi, metrics, fm);
        Zone movable = a.fa.byIndex[Gfp.ZONE_MOVABLE];
        boolean[] off = new boolean[2];
        java.util.List<Long> kernel = new java.util.ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < 3000; i++) {
          int what = r.nextInt(10);
          if (what < 4) {
            long p = a.alloc(r.nextInt(2), 0, GFP_HIGHUSER_MOVABLE | (asi && r.nextBoolean() ? Gfp.__GFP_SENSITIVE : 0));
            if (p >= 0) {
              fm.held.add(p);
            }
          } else if (what < 5) {
            long p = a.alloc(r.nextInt(2), 0, GFP_KERNEL);
            if (p >= 0) {
              kernel.add(p);
            }
          } else if (what < 8 && !fm.held.isEmpty()) {
            long p = fm.held.iterator().next();
            fm.held.remove(p);
            a.free(r.nextInt(2), p, 0);
          } else if (what < 9 && !kernel.isEmpty()) {
            a.free(r.nextInt(2), kernel.remove(kernel.size() - 1), 0);
          } else {
            int b = r.nextInt(2);
            long start = 12288 + 1024L * b;
            int rc = off[b] ? a.onlinePages(r.nextInt(2), start, 1024) : a.offlinePages(r.nextInt(2), start, 1024);
            assertThat(rc).as("seed %d op %d", seed, i).isIn(0, -PageAllocator.EBUSY);
            if (rc == 0 && !off[b]) {
              ((FakeArch) a.arch).setRestrictedMapped(0, start, 1024, false); // a mirrored arch_remove_memory()
            }
            if (rc == 0) {
              off[b] = !off[b];
            }
          }
          assertThat(a.checkConsistency()).as("seed %d op %d asi %s", seed, i, asi).isNull();
          long offPages = (off[0] ? 1024 : 0) + (off[1] ? 1024 : 0);
          assertThat(movable.managedPages).isEqualTo(4096 - offPages);
          for (long p : fm.held) {
            int b = (int) ((p - 12288) / 1024);
            assertThat(p >= 12288 && p < 14336 && off[b]).as("held pfn %d in an offline block", p).isFalse();
          }
        }
        migrated += metrics.get("pgmigrate_success");
      }
    }
    assertThat(migrated).as("offlines that moved pages out").isPositive();
  }

  /**
   * A block of DMA32 (below ZONE_MOVABLE) holding 100 movable pages of a {@code GFP_USER |
   * __GFP_MOVABLE} request: {@code do_migrate_range()}'s targets ({@code alloc_migration_target()}:
   * {@code __GFP_HIGHMEM} only for a source in ZONE_MOVABLE) stay out of ZONE_MOVABLE, though it has
   * free pages and a GFP_HIGHUSER_MOVABLE request would go there first.
   */
  @Test
  void aPageBelowZoneMovableNeverMovesIntoIt() {
    BuddyAllocator a = allocator();
    for (int i = 0; i < 100; i++) {
      long p = a.alloc(0, 0, Gfp.GFP_USER | Gfp.__GFP_MOVABLE);
      assertThat(p).isBetween(4096L, 12287L);
      mig.held.add(p);
    }
    long start = mig.held.iterator().next() & -2048L;
    long inBlock = mig.held.stream().filter(p -> p >= start && p < start + 2048).count();
    assertThat(inBlock).isPositive();

    assertThat(a.offlinePages(0, start, 2048)).isZero();

    assertThat(m.get("pgmigrate_success")).isEqualTo(inBlock);
    assertThat(mig.held).hasSize(100).allMatch(p -> p < 12288 && (p < start || p >= start + 2048));
    assertThat(a.checkConsistency()).isNull();
  }
}
