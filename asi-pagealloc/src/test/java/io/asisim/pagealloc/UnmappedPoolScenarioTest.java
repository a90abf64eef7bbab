package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Gfp.__GFP_SENSITIVE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import org.junit.jupiter.api.Test;

/** The unmapped pool (sensitive class pooled) on one 16 MiB zone and 4 CPUs. */
class UnmappedPoolScenarioTest {
  private static final int NS = GFP_KERNEL;
  private static final int S = GFP_KERNEL | __GFP_SENSITIVE;

  private static UnmappedPoolAllocator pool(FakeArch arch, Metrics m) {
    BuddyAllocator main = Fixtures.singleZone(arch, m, false);
    return new UnmappedPoolAllocator(main, m, Fixtures.GFP_SENSITIVE, Sensitivity.SENSITIVE, false, 9, 128);
  }

  @Test
  void refillUnmapsOneBlockWithOneShootdownAndTheShrinkerMapsItBack() {
    FakeArch arch = new FakeArch(4, 4096, 0);
    Metrics m = new Metrics();
    UnmappedPoolAllocator a = pool(arch, m);
    assertThat(arch.isRestrictedMapped(0)).isTrue(); // all memory starts nonsensitive
    // 1. Sensitive order 0: the pool is empty, so it refills with a 2 MiB block from the main
    //    allocator (its claim path turns the order-10 block at 0 into UNMOVABLE and returns 0@9),
    //    unmaps it from the restricted map and flushes once: 1 shootdown, 3 IPIs.
    assertThat(a.alloc(0, 0, S)).isEqualTo(0);
    assertThat(m.get("pool_refills")).isEqualTo(1);
    assertThat(arch.shootdowns()).isEqualTo(1);
    assertThat(arch.ipis()).isEqualTo(3);
    assertThat(arch.isRestrictedMapped(0)).isFalse();
    assertThat(arch.isRestrictedMapped(511)).isFalse();
    assertThat(arch.isRestrictedMapped(512)).isTrue();
    assertThat(arch.restrictedSplits()).isZero();
    assertThat(a.sensitivity(5)).isEqualTo(Sensitivity.SENSITIVE);
    assertThat(a.sensitivity(512)).isEqualTo(Sensitivity.NONSENSITIVE);
    assertThat(a.checkConsistency()).isNull();
    // 2. Freed, the page merges back into one free 2 MiB pool block.
    a.free(0, 0, 0);
    assertThat(a.pool().freeBlocks(9)).isEqualTo(1);
    // 3. Nonsensitive order-10 requests take the rest of memory: 1024, 2048, 3072.
    assertThat(a.alloc(0, 10, NS)).isEqualTo(1024);
    assertThat(a.alloc(0, 10, NS)).isEqualTo(2048);
    assertThat(a.alloc(0, 10, NS)).isEqualTo(3072);
    // 4. The next one fails the fast path (512 free < 1024): the shrinker returns the free pool
    //    block (zeroed, mapped again, no flush), it merges with 512@9, and the slow path succeeds.
    assertThat(a.alloc(0, 10, NS)).isEqualTo(0);
    assertThat(m.get("pool_shrinks")).isEqualTo(1);
    assertThat(arch.shootdowns()).isEqualTo(1);
    assertThat(arch.pagesZeroed()).isEqualTo(512);
    assertThat(arch.isRestrictedMapped(0)).isTrue();
    assertThat(a.checkConsistency()).isNull();
    a.finish();
    assertThat(m.get("pool_stranded_pages")).isZero();
  }

  @Test
  void refillFallsBackToSmallerOrdersAndSplitsTheLeaf() {
    FakeArch arch = new FakeArch(4, 4096, 0);
    Metrics m = new Metrics();
    UnmappedPoolAllocator a = pool(arch, m);
    assertThat(a.alloc(0, 10, NS)).isEqualTo(0);
    assertThat(a.alloc(0, 10, NS)).isEqualTo(1024);
    assertThat(a.alloc(0, 10, NS)).isEqualTo(2048);
    assertThat(a.alloc(0, 9, NS)).isEqualTo(3072);
    assertThat(a.alloc(0, 8, NS)).isEqualTo(3584);
    // Only 3840@8 is left: the order-9 refill fails, the order-8 one succeeds. Unmapping 1 MiB
    // splits the 2 MiB leaf of the restricted map once.
    assertThat(a.alloc(0, 0, S)).isEqualTo(3840);
    assertThat(m.get("pool_refills")).isEqualTo(1);
    assertThat(arch.restrictedSplits()).isEqualTo(1);
    assertThat(arch.isRestrictedMapped(3839)).isTrue();
    assertThat(arch.isRestrictedMapped(3840)).isFalse();
    assertThat(a.checkConsistency()).isNull();
    a.finish();
    assertThat(m.get("pool_stranded_pages")).isEqualTo(255);
  }
}
