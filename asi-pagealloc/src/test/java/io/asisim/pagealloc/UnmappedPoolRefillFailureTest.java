package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Gfp.__GFP_SENSITIVE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A pool refill whose mapping change needs a page-table page and gets none: the RFC's refill calls
 * {@code set_direct_map_invalid_noflush()} (or maps, for the nonsensitive class), which splits the
 * 2 MiB leaf of a block smaller than a pageblock and returns {@code -ENOMEM} when no page is left
 * for the table. The refill then gives the block back to the main allocator, counts
 * {@code pool_refill_failures} and fails the request, leaving the mappings as they were
 * ({@link UnmappedPool}'s {@code refill()} and {@code changeMapping()}).
 *
 * <p>One 16 MiB zone (4096 frames), 4 CPUs, {@link SplitBudgetArch}. Each scenario first leaves
 * the main allocator with one free block, 768@8: no pageblock-order block for the refill, whose
 * order-8 fallback needs a split of the leaf 512..1023.
 */
class UnmappedPoolRefillFailureTest {
  private static final int NS = GFP_KERNEL;
  private static final int S = GFP_KERNEL | __GFP_SENSITIVE;

  private final FakeArch fake = new FakeArch(4, 4096, 0);
  private final SplitBudgetArch arch = new SplitBudgetArch(fake, 0);
  private final Metrics m = new Metrics();

  /** The pool of {@code pooled} over a plain buddy whose only free block is 768@8. */
  private UnmappedPoolAllocator onlyOrder8Free(Sensitivity pooled, boolean unmapDirect) {
    BuddyAllocator main = new BuddyAllocator(arch, m, Fixtures.GFP_SENSITIVE, Fixtures.tinyWatermarks(false),
        List.of(new ZoneSpan(1, "DMA32", 0, 4096)));
    main.freeAllBootMemory();
    UnmappedPoolAllocator a = new UnmappedPoolAllocator(main, m, Fixtures.GFP_SENSITIVE, pooled, unmapDirect, 9, 128);
    int mainGfp = pooled == Sensitivity.SENSITIVE ? NS : S; // the class the main allocator serves
    for (int i = 0; i < 4; i++) {
      assertThat(a.alloc(0, 10, mainGfp)).isEqualTo(i * 1024L);
    }
    a.free(0, 0, 10);
    assertThat(a.alloc(0, 9, mainGfp)).isEqualTo(0);
    assertThat(a.alloc(0, 8, mainGfp)).isEqualTo(512);
    assertThat(a.freePages()).isEqualTo(256);
    return a;
  }

  /** The refill's block went back whole: free in the main allocator, outside the pool, nothing charged to the pool. */
  private void assertGivenBack(UnmappedPoolAllocator a) {
    assertThat(m.get("pool_refill_failures")).isEqualTo(1);
    assertThat(m.get("pool_refills")).isZero();
    assertThat(a.pool().poolPages()).isZero();
    assertThat(a.pool().freePages()).isZero();
    assertThat(a.freePages()).isEqualTo(256);
    assertThat(a.main().zones[0].nrFree[8]).isEqualTo(1);
    assertThat(a.sensitivityChanges()).isZero();
    assertThat(a.sensitivity(768)).isEqualTo(a.pool().pooled().other());
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void aSensitiveRefillThatCannotSplitTheRestrictedMapFailsAndGivesTheBlockBack() {
    UnmappedPoolAllocator a = onlyOrder8Free(Sensitivity.SENSITIVE, false);
    long failures = m.get("alloc_failures");
    long cycles = fake.cycles();
    assertThat(a.alloc(0, 0, S)).isEqualTo(PageAllocator.NO_PAGE);
    // the main allocator's order-8 allocation and free (costBuddy 400 each), no pool charge
    assertThat(fake.cycles() - cycles).isEqualTo(2 * 400);
    assertThat(m.get("alloc_failures")).isEqualTo(failures + 1);
    assertThat(arch.failedCalls()).isEqualTo(1);
    assertThat(fake.isRestrictedMapped(768)).isTrue(); // unchanged: still nonsensitive
    assertThat(fake.isRestrictedMapped(1023)).isTrue();
    assertThat(fake.shootdowns()).isZero(); // nothing was unmapped, so nothing is flushed
    assertGivenBack(a);
    // With one table page the same request refills from the same block.
    arch.setTablePages(1);
    assertThat(a.alloc(0, 0, S)).isEqualTo(768);
    assertThat(m.get("pool_refills")).isEqualTo(1);
    assertThat(fake.isRestrictedMapped(768)).isFalse();
    assertThat(fake.restrictedSplits()).isEqualTo(1);
    assertThat(fake.shootdowns()).isEqualTo(1);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void anUnmapDirectRefillThatCannotSplitTheDirectMapRemapsTheRestrictedMap() {
    UnmappedPoolAllocator a = onlyOrder8Free(Sensitivity.SENSITIVE, true);
    arch.setTablePages(1); // enough for the restricted map's split, not for the direct map's
    assertThat(a.alloc(0, 0, S)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(arch.tablePages()).isZero();
    assertThat(arch.failedCalls()).isEqualTo(1);
    assertThat(fake.restrictedSplits()).isEqualTo(1);
    assertThat(fake.directSplits()).isZero();
    for (int p : new int[] {768, 900, 1023}) {
      assertThat(fake.isRestrictedMapped(p)).as("pfn " + p).isTrue(); // mapped again
      assertThat(fake.isDirectMapped(p)).as("pfn " + p).isTrue();
    }
    assertThat(fake.shootdowns()).isZero();
    assertGivenBack(a);
  }

  @Test
  void aNonsensitiveRefillThatCannotSplitTheRestrictedMapFailsUnmapped() {
    UnmappedPoolAllocator a = onlyOrder8Free(Sensitivity.NONSENSITIVE, false);
    long zeroed = fake.pagesZeroed();
    assertThat(a.alloc(0, 0, NS)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(fake.pagesZeroed() - zeroed).isEqualTo(256); // zeroed before the map change was tried
    assertThat(fake.isRestrictedMapped(768)).isFalse(); // still sensitive: not reachable restricted
    assertThat(fake.isRestrictedMapped(1023)).isFalse();
    assertGivenBack(a);
    arch.setTablePages(1);
    assertThat(a.alloc(0, 0, NS)).isEqualTo(768);
    assertThat(fake.isRestrictedMapped(768)).isTrue();
    assertThat(a.checkConsistency()).isNull();
  }
}
