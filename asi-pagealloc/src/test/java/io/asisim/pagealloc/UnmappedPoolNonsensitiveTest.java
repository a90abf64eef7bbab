package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_ATOMIC;
import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Gfp.__GFP_SENSITIVE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Migratetype;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: the pool holding the nonsensitive class, on one 256 MiB zone (65536 frames, 2 CPUs)
 * with min_free_kbytes 4096 (min 1024, low 1280 pages). An atomic refill reserves its pageblock
 * HIGHATOMIC, the pool merges it with a plain UNMOVABLE refill into one order-10 block, and the
 * shrinker hands that mixed block back: {@code free_one_page()} must free it pageblock by
 * pageblock ({@code __free_one_page_maybe_split()}), not as one block on the first pageblock's list.
 */
class UnmappedPoolNonsensitiveTest {
  private static final int NS = GFP_KERNEL;
  private static final int S = GFP_KERNEL | __GFP_SENSITIVE;
  private static final int UNMOVABLE = Migratetype.UNMOVABLE.ordinal();
  private static final int HIGHATOMIC = Migratetype.HIGHATOMIC.ordinal();

  @Test
  void aShrunkBlockMixingHighatomicAndUnmovablePageblocksIsFreedPageblockByPageblock() {
    FakeArch arch = new FakeArch(2, 65536, 0);
    Metrics m = new Metrics();
    BuddyAllocator main = new BuddyAllocator(arch, m, Fixtures.GFP_SENSITIVE,
        new BuddyConfig(false, 0, false, 4096, 10, 100, 400, 1500), List.of(new ZoneSpan(1, "DMA32", 0, 65536)));
    main.freeAllBootMemory();
    UnmappedPoolAllocator a = new UnmappedPoolAllocator(main, m, Fixtures.GFP_SENSITIVE,
        Sensitivity.NONSENSITIVE, false, 9, 128);
    Zone z = main.zones[0];
    assertThat(arch.isRestrictedMapped(0)).isFalse(); // the restricted map starts empty
    for (int i = 0; i < 62; i++) {
      assertThat(a.alloc(0, 10, S)).isEqualTo(i * 1024L);
    }
    // 1. Blocking nonsensitive order 0: refill takes 63488@9 by claiming 63488@10 (both pageblocks
    //    UNMOVABLE), zeroes and maps it; 64000@9 stays free in the main allocator.
    assertThat(a.alloc(0, 0, NS)).isEqualTo(63488);
    assertThat(Fixtures.count(main, 9, UNMOVABLE)).isEqualTo(1);
    // 2. Atomic nonsensitive order 9: the pool has nothing of order 9; the refill's fast path fails
    //    (1536 - 511 <= low 1280), the slow path (min 1024 -> 384) takes 64000@9 and
    //    reserve_highatomic_pageblock() retypes its pageblock HIGHATOMIC.
    assertThat(a.alloc(0, 9, GFP_ATOMIC)).isEqualTo(64000);
    assertThat(main.ft.pbMigratetype(63488)).isEqualTo(UNMOVABLE);
    assertThat(main.ft.pbMigratetype(64000)).isEqualTo(HIGHATOMIC);
    assertThat(z.nrReservedHighatomic).isEqualTo(512);
    assertThat(m.get("pool_refills")).isEqualTo(2);
    // 3. Both freed: the pool merges them into one free order-10 block of mixed pageblocks.
    a.free(0, 64000, 9);
    a.free(0, 63488, 0);
    assertThat(a.pool().freeBlocks(10)).isEqualTo(1);
    assertThat(a.checkConsistency()).isNull();
    // 4. The shrinker (run directly here) returns the order-10 block, unmapping it from the
    //    restricted map with one flush; it lands as 63488@9 UNMOVABLE and 64000@9 HIGHATOMIC.
    assertThat(a.pool().shrink(0)).isEqualTo(1);
    assertThat(a.checkConsistency()).isNull();
    assertThat(m.get("pool_shrinks")).isEqualTo(1);
    assertThat(arch.shootdowns()).isEqualTo(1);
    assertThat(arch.isRestrictedMapped(63488)).isFalse();
    assertThat(arch.isRestrictedMapped(64511)).isFalse();
    assertThat(a.pool().poolPages()).isZero();
    assertThat(Fixtures.count(main, 10, UNMOVABLE)).isZero();
    assertThat(z.freeHead(z.list(9, UNMOVABLE))).isEqualTo(63488);
    assertThat(z.freeHead(z.list(9, HIGHATOMIC))).isEqualTo(64000);
    assertThat(z.nrReservedHighatomic).isEqualTo(512);
    assertThat(z.freePages).isEqualTo(2048);
    // 5. Sensitive order 0 now passes the min watermark (2048 - 512 reserved > 1024) in the slow
    //    path and refills the pcp list from 63488@9; HIGHATOMIC stays untouched.
    assertThat(a.alloc(0, 0, S)).isEqualTo(63488);
    assertThat(Fixtures.count(main, 9, HIGHATOMIC)).isEqualTo(1);
    assertThat(a.checkConsistency()).isNull();
  }
}
