package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_ATOMIC;
import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Gfp.__GFP_SENSITIVE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import org.junit.jupiter.api.Test;

/**
 * The pageblock-migratetype strategy on one 16 MiB zone (8 pageblocks, four order-10 blocks) and
 * 4 CPUs, so a kernel-range shootdown sends 3 IPIs. At boot every pageblock is sensitive
 * ({@code PB_nonsensitive} clear) and the restricted direct map is empty.
 */
class PageblockFlipScenarioTest {
  private static final int NS = GFP_KERNEL;
  private static final int S = GFP_KERNEL | __GFP_SENSITIVE;

  @Test
  void flipsZeroesAndShootdownsAreExact() {
    FakeArch arch = new FakeArch(4, 4096, 0);
    Metrics m = new Metrics();
    BuddyAllocator a = Fixtures.singleZone(arch, m, true);
    assertThat(a.sensitivity(0)).isEqualTo(Sensitivity.SENSITIVE);

    // 1. Nonsensitive order 9: nothing nonsensitive is free, the request may block, so the
    //    smallest sensitive block of order >= 9 flips: the order-10 block at pfn 0 (2 pageblocks).
    //    1024 pages are zeroed, then mapped. The claim path then converts it to UNMOVABLE and
    //    hands out its first half.
    assertThat(a.alloc(0, 9, NS)).isEqualTo(0);
    assertThat(m.get("pageblock_flips_to_nonsensitive")).isEqualTo(2);
    assertThat(arch.pagesZeroed()).isEqualTo(2 * 512);
    assertThat(arch.isRestrictedMapped(0)).isTrue();
    assertThat(arch.isRestrictedMapped(1023)).isTrue();
    assertThat(arch.isRestrictedMapped(1024)).isFalse();
    assertThat(a.checkConsistency()).isNull();
    // 2. The second half is already nonsensitive: no flip.
    assertThat(a.alloc(0, 9, NS)).isEqualTo(512);
    assertThat(m.get("pageblock_flips_to_nonsensitive")).isEqualTo(2);
    // 3. Free both: they merge into one nonsensitive order-10 block.
    a.free(0, 0, 9);
    a.free(0, 512, 9);
    // 4. Three sensitive order-10 requests use the three sensitive blocks: no flip.
    assertThat(a.alloc(0, 10, S)).isEqualTo(1024);
    assertThat(a.alloc(0, 10, S)).isEqualTo(2048);
    assertThat(a.alloc(0, 10, S)).isEqualTo(3072);
    assertThat(m.get("pageblock_flips_to_sensitive")).isZero();
    // 5. A fourth must flip the nonsensitive block back: unmap, then one shootdown (3 IPIs).
    assertThat(a.alloc(0, 10, S)).isEqualTo(0);
    assertThat(m.get("pageblock_flips_to_sensitive")).isEqualTo(2);
    assertThat(arch.shootdowns()).isEqualTo(1);
    assertThat(arch.ipis()).isEqualTo(3);
    assertThat(arch.isRestrictedMapped(0)).isFalse();
    assertThat(arch.pagesZeroed()).isEqualTo(2 * 512); // becoming sensitive zeroes nothing
    assertThat(a.checkConsistency()).isNull();

    // 6. A non-blocking nonsensitive request may not flip: free one sensitive block, then
    //    GFP_ATOMIC fails and the refusal is counted; a sensitive atomic request succeeds.
    a.free(0, 1024, 10);
    long before = m.get("alloc_failures");
    assertThat(a.alloc(0, 0, GFP_ATOMIC)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("alloc_failures")).isEqualTo(before + 1);
    assertThat(m.get("asi_flips_refused_nonblocking")).isEqualTo(1);
    assertThat(a.alloc(0, 0, GFP_ATOMIC | __GFP_SENSITIVE)).isNotEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("pageblock_flips_to_nonsensitive")).isEqualTo(2);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void buddiesOfDifferentSensitivityNeverMerge() {
    FakeArch arch = new FakeArch(4, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), true);
    // Flip block 0 to nonsensitive and hold both halves; hold every sensitive block.
    assertThat(a.alloc(0, 9, NS)).isEqualTo(0);
    assertThat(a.alloc(0, 9, NS)).isEqualTo(512);
    a.free(0, 512, 9);
    // Pageblock 1 (nonsensitive, free) and pageblock 0 ... take the sensitive side: pfn 1024.
    assertThat(a.alloc(0, 10, S)).isEqualTo(1024);
    assertThat(a.alloc(0, 10, S)).isEqualTo(2048);
    assertThat(a.alloc(0, 9, S)).isEqualTo(3072);
    // Free 3072@9 (sensitive) next to 3584@9 (sensitive, free): they merge (same freetype).
    a.free(0, 3072, 9);
    assertThat(a.zones[0].nrFree[10]).isEqualTo(1);
    // Free 0@9 (nonsensitive) next to 512@9 (nonsensitive): merge. Now allocate the sensitive
    // order-10 block and flip pageblock pair 0 to sensitive: both free, both sensitive, one
    // order-10 block again.
    a.free(0, 0, 9);
    assertThat(a.zones[0].nrFree[10]).isEqualTo(2);
    assertThat(a.checkConsistency()).isNull();
    // Direct check of can_merge_freetypes(): make a nonsensitive/sensitive buddy pair at order 9.
    long s = a.alloc(0, 10, S); // 3072
    assertThat(s).isEqualTo(3072);
    long ns = a.alloc(0, 9, NS); // from block 0
    assertThat(ns).isEqualTo(0);
    long nsHalf = a.alloc(0, 9, NS);
    assertThat(nsHalf).isEqualTo(512);
    // Make pageblock 1 sensitive by flipping it: free 512, then exhaust sensitive memory.
    a.free(0, 512, 9);
    assertThat(a.alloc(0, 9, S)).isEqualTo(512); // flips only the free order-9 block at 512
    a.free(0, 512, 9); // sensitive 512@9 next to nonsensitive 0 (allocated)
    a.free(0, 0, 9); // nonsensitive 0@9 next to sensitive free 512@9: must not merge
    assertThat(a.zones[0].nrFree[9]).isEqualTo(2);
    assertThat(a.sensitivity(0)).isEqualTo(Sensitivity.NONSENSITIVE);
    assertThat(a.sensitivity(512)).isEqualTo(Sensitivity.SENSITIVE);
    assertThat(a.checkConsistency()).isNull();
  }
}
