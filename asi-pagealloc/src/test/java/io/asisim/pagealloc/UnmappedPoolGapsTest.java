package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Gfp.__GFP_SENSITIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Migratetype;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import org.junit.jupiter.api.Test;

/**
 * The unmapped pool's refill zeroing, shrinker order and batch, mapping changes, bitmap and
 * self-check on one 16 MiB zone (4096 frames) and 4 CPUs; costBuddy (the pool's charge) is 400
 * cycles in {@link Fixtures#tinyWatermarks}. Gaps found by mutation testing, docs/mutation-testing.md.
 */
class UnmappedPoolGapsTest {
  private static final int NS = GFP_KERNEL;
  private static final int S = GFP_KERNEL | __GFP_SENSITIVE;

  private final FakeArch arch = new FakeArch(4, 4096, 0);
  private final Metrics m = new Metrics();

  private UnmappedPoolAllocator pool(Sensitivity pooled, boolean unmapDirect, int shrinkMinOrder, int shrinkBatch) {
    BuddyAllocator main = Fixtures.singleZone(arch, m, false);
    return new UnmappedPoolAllocator(main, m, Fixtures.GFP_SENSITIVE, pooled, unmapDirect, shrinkMinOrder, shrinkBatch);
  }

  @Test
  void aNonsensitiveRefillIsZeroedBeforeItIsMappedRestricted() {
    UnmappedPoolAllocator a = pool(Sensitivity.NONSENSITIVE, false, 9, 128);
    assertThat(arch.isRestrictedMapped(0)).isFalse();
    assertThat(a.alloc(0, 0, NS)).isEqualTo(0); // refill 0@9
    assertThat(arch.pagesZeroed()).isEqualTo(512);
    assertThat(arch.isRestrictedMapped(511)).isTrue();
    assertThat(arch.isRestrictedMapped(512)).isFalse();
    assertThat(a.pool().poolPages()).isEqualTo(512);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void poolAllocAndFreeChargeThePoolCostAndCountRequests() {
    UnmappedPoolAllocator a = pool(Sensitivity.SENSITIVE, false, 9, 128);
    assertThat(a.alloc(0, 0, S)).isEqualTo(0); // refills
    long c = arch.cycles();
    assertThat(a.alloc(0, 0, S)).isEqualTo(1); // from the pool: its charge only
    assertThat(arch.cycles() - c).isEqualTo(400);
    a.free(0, 1, 0);
    assertThat(arch.cycles() - c).isEqualTo(800);
    assertThat(m.get("alloc_requests")).isEqualTo(2);
  }

  @Test
  void aFailedRefillFailsTheRequestAndFreesOutsideMemoryAreRejected() {
    UnmappedPoolAllocator a = pool(Sensitivity.SENSITIVE, false, 9, 128);
    for (int i = 0; i < 4; i++) {
      assertThat(a.alloc(0, 10, NS)).isEqualTo(i * 1024L);
    }
    long failures = m.get("alloc_failures");
    assertThat(a.alloc(0, 0, S)).isEqualTo(PageAllocator.NO_PAGE); // nothing left to refill from
    assertThat(m.get("alloc_failures")).isEqualTo(failures + 1);
    assertThatThrownBy(() -> a.free(0, 4096, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Pool blocks 0@9 and 1024@9 (not buddies: 512@9 went to a nonsensitive request). */
  private UnmappedPoolAllocator twoPoolBlocks(boolean unmapDirect, int batch) {
    UnmappedPoolAllocator a = pool(Sensitivity.SENSITIVE, unmapDirect, 9, batch);
    assertThat(a.alloc(0, 9, S)).isEqualTo(0);
    assertThat(a.alloc(0, 9, NS)).isEqualTo(512);
    assertThat(a.alloc(0, 9, S)).isEqualTo(1024);
    a.free(0, 0, 9);
    a.free(0, 1024, 9);
    assertThat(a.pool().freeBlocks(9)).isEqualTo(2);
    return a;
  }

  /** A reclaim round's shrink_slab() runs the pool's shrinker, as registered shrinkers run: blocks go back. */
  @Test
  void aReclaimRoundRunsThePoolsShrinker() {
    UnmappedPoolAllocator a = twoPoolBlocks(false, 128);
    a.shrinkSlab(0);
    assertThat(a.pool().poolPages()).isZero();
    assertThat(m.get("pool_shrinks")).isEqualTo(2);
    assertThat(a.checkConsistency()).isNull();
    a.main().shrinkSlab(0); // the plain buddy registers no shrinker
    assertThat(m.get("pool_shrinks")).isEqualTo(2);
  }

  @Test
  void theShrinkerReturnsAtMostItsBatchNewestFirstZeroedAndMappedAgain() {
    UnmappedPoolAllocator a = twoPoolBlocks(true, 1);
    assertThat(arch.isDirectMapped(1024)).isFalse(); // unmap-direct: out of the direct map too
    long zeroed = arch.pagesZeroed();
    assertThat(a.pool().shrink(0)).isEqualTo(1);
    assertThat(a.sensitivity(1024)).isEqualTo(Sensitivity.NONSENSITIVE); // the newest free block went
    assertThat(a.sensitivity(0)).isEqualTo(Sensitivity.SENSITIVE);
    assertThat(arch.pagesZeroed() - zeroed).isEqualTo(512);
    assertThat(arch.isRestrictedMapped(1024)).isTrue();
    assertThat(arch.isDirectMapped(1024)).isTrue();
    assertThat(a.pool().poolPages()).isEqualTo(512);
    assertThat(m.get("pool_shrinks")).isEqualTo(1);
    assertThat(a.checkConsistency()).isNull();
    // back in the main allocator: merged with its free buddy 1536@9 (the rest of the order-10
    // block the refill claimed) into one unmovable order-10 block
    assertThat(Fixtures.count(a.main(), 10, Migratetype.UNMOVABLE.ordinal())).isEqualTo(1);
    assertThat(a.pool().shrink(0)).isEqualTo(1);
    assertThat(a.pool().shrink(0)).isZero();
    assertThat(a.pool().poolPages()).isZero();
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void theShrinkerKeepsBlocksBelowItsMinimumOrder() {
    UnmappedPoolAllocator a = pool(Sensitivity.SENSITIVE, false, 10, 128);
    assertThat(a.alloc(0, 9, S)).isEqualTo(0);
    a.free(0, 0, 9);
    assertThat(a.pool().shrink(0)).isZero(); // a free order-9 block, minimum order 10
    assertThat(a.pool().poolPages()).isEqualTo(512);
  }

  @Test
  void shrinkingASmallBlockLeavesItsNeighboursInThePool() {
    UnmappedPoolAllocator a = pool(Sensitivity.SENSITIVE, false, 0, 1);
    assertThat(a.alloc(0, 0, S)).isEqualTo(0); // 0@9 refilled: 1@0, 2@1, ..., 256@8 free
    for (int o = 8; o >= 1; o--) {
      assertThat(a.alloc(0, o, S)).isEqualTo(1L << o); // the free block of exactly that order
    }
    assertThat(a.pool().shrink(0)).isEqualTo(1); // only 1@0 is free
    assertThat(a.sensitivity(1)).isEqualTo(Sensitivity.NONSENSITIVE);
    for (int p : new int[] {0, 2, 63, 64, 511}) {
      assertThat(a.sensitivity(p)).as("pfn " + p).isEqualTo(Sensitivity.SENSITIVE);
    }
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void theSelfCheckFindsPoolFramesMappedAsTheOtherClass() {
    UnmappedPoolAllocator a = pool(Sensitivity.SENSITIVE, false, 9, 128);
    assertThat(a.alloc(0, 0, S)).isEqualTo(0);
    arch.setRestrictedMapped(0, 5, 1, true);
    assertThat(a.checkConsistency()).isEqualTo("pool: frame 5 in the sensitive pool is mapped in the restricted direct map");
    arch.setRestrictedMapped(0, 5, 1, false);
    arch.setRestrictedMapped(0, 600, 1, false);
    assertThat(a.checkConsistency()).isEqualTo("pool: frame 600 outside the sensitive pool is unmapped in the restricted direct map");
  }
}
