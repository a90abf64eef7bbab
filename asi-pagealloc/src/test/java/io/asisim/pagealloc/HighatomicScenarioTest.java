package io.asisim.pagealloc;

import io.asisim.api.mm.Migratetype;
import static io.asisim.api.mm.Migratetype.MIGRATE_HIGHATOMIC;
import static io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_UNMOVABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.fixtures.FakeArch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The HIGHATOMIC reserve on one 256 MiB zone (65536 frames, 2 CPUs) with min_free_kbytes 4096:
 * min = 1024, low = 1024 + max(1024 / 4, 65536 * 10 / 10000) = 1280 pages.
 */
class HighatomicScenarioTest {
  @Test
  void anAtomicHighOrderSlowpathAllocationReservesItsPageblock() {
    FakeArch arch = new FakeArch(2, 65536, 0);
    Metrics m = new Metrics();
    BuddyAllocator a = new BuddyAllocator(arch, m, Fixtures.GFP_SENSITIVE,
        new BuddyConfig(false, 0, false, 4096, 10, 100, 400, 1500), List.of(new ZoneSpan(1, "DMA32", 0, 65536)));
    a.freeAllBootMemory();
    Zone z = a.zones[0];
    assertThat(new long[] {z.wmarkMin, z.wmarkLow}).containsExactly(1024, 1280);
    for (int i = 0; i < 62; i++) {
      assertThat(a.alloc(0, 10, Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo(i * 1024L);
    }
    assertThat(a.alloc(0, 9, Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo(63488);
    assertThat(a.alloc(0, 8, Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo(64000);
    // Free: 64256@8 and 64512@10, 1280 pages = the low watermark.
    assertThat(z.freePages).isEqualTo(1280);
    // GFP_ATOMIC order 1: the fast path fails (1280 - 1 <= low 1280); gfp_to_alloc_flags() gives
    // ALLOC_MIN_RESERVE|ALLOC_NON_BLOCK|ALLOC_HIGHATOMIC, min 1024 -> 512 -> 384, which passes.
    // rmqueue_pcplist(): zone_batchsize(65536) = 15, nr_pcp_alloc(order 1) = 7 blocks; the first
    // is claimed from the largest fallback (64512@10, both pageblocks now UNMOVABLE) and split.
    // The pcp list head, 64512, is returned; reserve_highatomic_pageblock() (1% of the zone =
    // 655 >= 512 pages) moves pageblock 64512..65023 to HIGHATOMIC with its free pages.
    assertThat(a.alloc(0, 1, Gfp.GFP_ATOMIC)).isEqualTo(64512);
    assertThat(a.ft.pbMigratetype(64512)).isEqualTo(MIGRATE_HIGHATOMIC);
    assertThat(a.ft.pbMigratetype(65024)).isEqualTo(MIGRATE_UNMOVABLE);
    assertThat(z.nrReservedHighatomic).isEqualTo(512);
    assertThat(z.pcpCount[0]).isEqualTo(12); // six more order-1 blocks: 64514 .. 64524
    // Left free in the reserved pageblock: 64526@1, 64528@4, 64544@5, 64576@6, 64640@7, 64768@8.
    int[] orders = {1, 4, 5, 6, 7, 8};
    for (int o : orders) {
      assertThat(Fixtures.count(a, o, MIGRATE_HIGHATOMIC)).as("order %d", o).isEqualTo(1);
    }
    assertThat(Fixtures.count(a, 9, MIGRATE_UNMOVABLE)).isEqualTo(1); // 65024
    assertThat(ProcFs.pagetypeinfo(a)).contains(
        "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
      + "Node 0, zone    DMA32            1          126            0            1            0 \n");
    assertThat(a.checkConsistency()).isNull();

    // unreserve_highatomic_pageblock(): without force it keeps the last reserved pageblock;
    // forced, it gives the block to the caller's migratetype with its free pages.
    assertThat(a.highatomic.unreserve(Gfp.ZONE_NORMAL, MIGRATE_MOVABLE, 0, false)).isFalse();
    assertThat(a.highatomic.unreserve(Gfp.ZONE_NORMAL, MIGRATE_MOVABLE, 0, true)).isTrue();
    assertThat(z.nrReservedHighatomic).isZero();
    assertThat(a.ft.pbMigratetype(64512)).isEqualTo(MIGRATE_MOVABLE);
    for (int o : orders) {
      assertThat(Fixtures.count(a, o, MIGRATE_MOVABLE)).as("order %d", o).isEqualTo(o == 8 ? 2 : 1);
    }
    assertThat(a.checkConsistency()).isNull();
  }
}
