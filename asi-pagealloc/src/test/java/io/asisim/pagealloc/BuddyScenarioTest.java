package io.asisim.pagealloc;

import io.asisim.api.mm.Migratetype;
import static io.asisim.api.mm.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Gfp.__GFP_RECLAIMABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_RECLAIMABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_UNMOVABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.fixtures.FakeArch;
import org.junit.jupiter.api.Test;

/** Hand-checked buddy scenarios on one 16 MiB zone (4096 frames, 8 pageblocks, 4 order-10 blocks). */
class BuddyScenarioTest {

  @Test
  void bootFreesMaximalBlocksAllMovable() {
    FakeArch arch = new FakeArch(2, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), false);
    // memblock_free_all(): [0, 4096) decomposes into four order-10 blocks, all pageblocks MOVABLE.
    assertThat(Fixtures.count(a, 10, MIGRATE_MOVABLE)).isEqualTo(4);
    assertThat(a.freePages()).isEqualTo(4096);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void splitThenMergeRestoresTheOrder10Block() {
    FakeArch arch = new FakeArch(2, 4096, 0);
    Metrics m = new Metrics();
    BuddyAllocator a = Fixtures.singleZone(arch, m, false);
    // GFP_KERNEL order 4 (not pcp): no UNMOVABLE page, so __rmqueue_claim() takes the largest
    // fallback, the order-10 MOVABLE block at the head of the list (pfn 0), converts both its
    // pageblocks (change_pageblock_range) and expand() frees 512@9, 256@8, 128@7, 64@6, 32@5, 16@4.
    long pfn = a.alloc(0, 4, GFP_KERNEL);
    assertThat(pfn).isZero();
    assertThat(m.get("alloc_fallbacks")).isEqualTo(1);
    for (int o = 4; o <= 9; o++) {
      assertThat(Fixtures.count(a, o, MIGRATE_UNMOVABLE)).as("order %d", o).isEqualTo(1);
    }
    assertThat(a.zones[0].freeHead(a.zones[0].list(9, MIGRATE_UNMOVABLE))).isEqualTo(512);
    assertThat(a.zones[0].freeHead(a.zones[0].list(4, MIGRATE_UNMOVABLE))).isEqualTo(16);
    assertThat(a.checkConsistency()).isNull();
    // __free_one_page() merges 16 pages back up through every order to one order-10 block.
    a.free(0, pfn, 4);
    assertThat(Fixtures.count(a, 10, MIGRATE_UNMOVABLE)).isEqualTo(1);
    assertThat(Fixtures.count(a, 10, MIGRATE_MOVABLE)).isEqualTo(3);
    for (int o = 4; o <= 9; o++) {
      assertThat(Fixtures.count(a, o, MIGRATE_UNMOVABLE)).isZero();
    }
    // The next unmovable request finds its own type: __rmqueue_smallest(), no new fallback.
    assertThat(a.alloc(0, 4, GFP_KERNEL)).isZero();
    assertThat(m.get("alloc_fallbacks")).isEqualTo(1);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void unmovablePrefersReclaimableOverMovable() {
    FakeArch arch = new FakeArch(2, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), false);
    // A reclaimable order-4 request claims block 0 (two pageblocks) for RECLAIMABLE; freed, it
    // merges back into one order-10 RECLAIMABLE block.
    long r = a.alloc(0, 4, GFP_KERNEL | __GFP_RECLAIMABLE);
    a.free(0, r, 4);
    assertThat(Fixtures.count(a, 10, MIGRATE_RECLAIMABLE)).isEqualTo(1);
    // A movable block is also at the head of MOVABLE's order-10 list (pfn 1024), but
    // fallbacks[MIGRATE_UNMOVABLE] = { RECLAIMABLE, MOVABLE }: the reclaimable block wins.
    assertThat(a.alloc(0, 4, GFP_KERNEL)).isZero();
    assertThat(a.ft.pbMigratetype(0)).isEqualTo(MIGRATE_UNMOVABLE);
    assertThat(a.ft.pbMigratetype(1024)).isEqualTo(MIGRATE_MOVABLE);
  }

  @Test
  void claimRuleNeedsHalfThePageblockFreeOrAlike() {
    FakeArch arch = new FakeArch(2, 4096, 0);
    Metrics m = new Metrics();
    BuddyAllocator a = Fixtures.singleZone(arch, m, false);
    int mov = GFP_HIGHUSER_MOVABLE;
    assertThat(a.alloc(0, 10, mov)).isEqualTo(0);
    assertThat(a.alloc(0, 10, mov)).isEqualTo(1024);
    assertThat(a.alloc(0, 10, mov)).isEqualTo(2048);
    assertThat(a.alloc(0, 9, mov)).isEqualTo(3072); // pageblock A fully movable-allocated
    assertThat(a.alloc(0, 8, mov)).isEqualTo(3584); // pageblock B = [3584, 4096)
    assertThat(a.alloc(0, 7, mov)).isEqualTo(3840);
    // Pageblock B: free 128 (3968@7), allocated movable 384. An unmovable order-4 request:
    // try_to_claim_block() counts free 128 + alike (512 - 128 - 384 = 0) = 128 < 256, so no
    // claim; __rmqueue_steal() takes 3968@7 and expand()s the rest onto MOVABLE lists.
    assertThat(a.alloc(0, 4, GFP_KERNEL)).isEqualTo(3968);
    assertThat(m.get("alloc_fallbacks")).isEqualTo(1);
    assertThat(m.get("alloc_fallback_claims")).as("a steal: change_ownership=0").isZero();
    assertThat(a.ft.pbMigratetype(3584)).isEqualTo(MIGRATE_MOVABLE);
    assertThat(Fixtures.count(a, 6, MIGRATE_MOVABLE)).isEqualTo(1); // 4032
    assertThat(Fixtures.count(a, 5, MIGRATE_MOVABLE)).isEqualTo(1); // 4000
    assertThat(Fixtures.count(a, 4, MIGRATE_MOVABLE)).isEqualTo(1); // 3984
    // Free 3584@8 (its buddy 3840 is allocated, no merge). Now B has free 256+112 = 368,
    // movable 128, other 16: alike = 512 - 368 - 128 = 16, 368 + 16 = 384 >= 256, so the next
    // unmovable request claims the whole pageblock and takes the smallest fit, 3984@4.
    a.free(0, 3584, 8);
    assertThat(a.alloc(0, 4, GFP_KERNEL)).isEqualTo(3984);
    assertThat(m.get("alloc_fallbacks")).isEqualTo(2);
    assertThat(m.get("alloc_fallback_claims")).as("this one claimed the pageblock").isEqualTo(1);
    assertThat(a.ft.pbMigratetype(3584)).isEqualTo(MIGRATE_UNMOVABLE);
    assertThat(Fixtures.count(a, 8, MIGRATE_UNMOVABLE)).isEqualTo(1);
    assertThat(Fixtures.count(a, 6, MIGRATE_UNMOVABLE)).isEqualTo(1);
    assertThat(Fixtures.count(a, 5, MIGRATE_UNMOVABLE)).isEqualTo(1);
    assertThat(Fixtures.count(a, 4, MIGRATE_UNMOVABLE)).isZero();
    for (int o = 0; o <= 10; o++) {
      assertThat(Fixtures.count(a, o, MIGRATE_MOVABLE)).as("movable order %d", o).isZero();
    }
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void pcpRefillTakesABatchAndFreesGoToThePcpList() {
    FakeArch arch = new FakeArch(2, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), false);
    Zone z = a.zones[0];
    // zone_batchsize(4096 managed) = rounddown_pow_of_two(1 + 0) - 1 = 0, clamped to 1;
    // zone_highsize = max(low 0 / 2 cpus, 1 << 2) = 4.
    assertThat(z.pcpBatch).isEqualTo(1);
    assertThat(z.pcpHigh).isEqualTo(4);
    // nr_pcp_alloc(): high 4 >= batch 1, batch 1 -> one page per refill.
    long p = a.alloc(0, 0, GFP_HIGHUSER_MOVABLE);
    assertThat(p).isZero();
    assertThat(z.pcpCount[0]).isZero();
    a.free(0, p, 0);
    assertThat(z.pcpCount[0]).isEqualTo(1);
    assertThat(a.freePages()).isEqualTo(4096);
    assertThat(a.checkConsistency()).isNull();
    // The page comes back from the pcp list without touching the buddy.
    assertThat(a.alloc(0, 0, GFP_HIGHUSER_MOVABLE)).isZero();
    assertThat(z.pcpCount[0]).isZero();
  }

  @Test
  void everyPcpAllocationDecaysFreeCountOnceOnTheFastPathAndOnRefill() {
    FakeArch arch = new FakeArch(2, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), false);
    Zone z = a.zones[0];
    long p1 = a.alloc(0, 0, GFP_HIGHUSER_MOVABLE);
    long p2 = a.alloc(0, 0, GFP_HIGHUSER_MOVABLE);
    long p3 = a.alloc(0, 0, GFP_HIGHUSER_MOVABLE);
    // free_frozen_page_commit(): each free adds 1 to free_count (cap batch << 5 = 32), high 4 not reached
    a.free(0, p1, 0);
    a.free(0, p2, 0);
    a.free(0, p3, 0);
    assertThat(z.pcpCount[0]).isEqualTo(3);
    assertThat(z.pcpFreeCount[0]).isEqualTo(3);
    // a hit on the movable list (BuddyAllocator#firstZoneHit): free_count >>= 1 once
    assertThat(a.alloc(0, 0, GFP_HIGHUSER_MOVABLE)).isEqualTo(p3);
    assertThat(z.pcpFreeCount[0]).isEqualTo(1);
    assertThat(z.pcpCount[0]).isEqualTo(2);
    a.free(0, p3, 0);
    assertThat(z.pcpFreeCount[0]).isEqualTo(2);
    // the unmovable list is empty: the fast path leaves everything as it was, the full path
    // decays once and refills one page from the buddy
    long before = arch.cycles();
    long u = a.alloc(0, 0, GFP_KERNEL);
    assertThat(u).isNotIn(p1, p2, p3);
    assertThat(z.pcpFreeCount[0]).isEqualTo(1);
    assertThat(z.pcpCount[0]).isEqualTo(3);
    // rmqueue_bulk() of one block (cost-buddy) claimed from a movable order-10 block (one
    // extfrag event, cost-fallback) and the take (cost-pcp): nothing charged twice
    BuddyConfig cfg = Fixtures.tinyWatermarks(false);
    assertThat(arch.cycles() - before).isEqualTo(cfg.costBuddy() + cfg.costFallback() + cfg.costPcp());
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void aLargeBlockCostsOneBuddyOperationFromItsOwnFreetypeAndAFallbackMore() {
    FakeArch arch = new FakeArch(2, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), false);
    BuddyConfig cfg = Fixtures.tinyWatermarks(false);
    // movable order 9: __rmqueue_smallest() splits the first movable order-10 block at once
    // (BuddyAllocator#firstZoneHit -> GetPage#rmqueueBuddyHit)
    long before = arch.cycles();
    long m = a.alloc(0, 9, GFP_HIGHUSER_MOVABLE);
    assertThat(m).isZero();
    assertThat(arch.cycles() - before).isEqualTo(cfg.costBuddy());
    assertThat(Fixtures.count(a, 9, MIGRATE_MOVABLE)).isEqualTo(1);
    assertThat(Fixtures.count(a, 10, MIGRATE_MOVABLE)).isEqualTo(3);
    // unmovable order 9: none of its own freetype, so the full path's __rmqueue_claim() takes
    // the largest movable block, order 10 at pfn 1024 (one extfrag event), retypes both its
    // pageblocks and keeps the upper half as a free unmovable order-9 block
    before = arch.cycles();
    long u = a.alloc(0, 9, GFP_KERNEL);
    assertThat(u).isEqualTo(1024);
    assertThat(arch.cycles() - before).isEqualTo(cfg.costBuddy() + cfg.costFallback());
    assertThat(Fixtures.count(a, 9, MIGRATE_MOVABLE)).isEqualTo(1);
    assertThat(Fixtures.count(a, 9, MIGRATE_UNMOVABLE)).isEqualTo(1);
    assertThat(Fixtures.count(a, 10, MIGRATE_MOVABLE)).isEqualTo(2);
    a.free(0, m, 9);
    a.free(0, u, 9);
    assertThat(a.freePages()).isEqualTo(4096);
    assertThat(a.checkConsistency()).isNull();
  }
}
