package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Gfp.__GFP_SENSITIVE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import org.junit.jupiter.api.Test;

/**
 * Mutation proof for the "no merge across sensitivity" rule of {@link ConsistencyChecker}
 * (docs/checker.md, "Mutants the suite must catch"): {@link #mutantFreeOnePage} is
 * {@code __free_one_page()} ({@link FreeArea#freeOnePage}) with mainline's
 * {@code can_merge_freetypes()} — the ASI series' sensitivity half of the rule forgotten, so a freed
 * nonsensitive block merges with its free sensitive buddy. On the state of
 * {@code PageblockFlipScenarioTest.buddiesOfDifferentSensitivityNeverMerge} the shipped free keeps
 * the pair apart and the allocator is consistent; the mutant's merged block is reported.
 */
class CrossSensitivityMergeMutantTest {
  private static final int NS = GFP_KERNEL;
  private static final int S = GFP_KERNEL | __GFP_SENSITIVE;

  /**
   * One 16 MiB zone (8 pageblocks) with the nonsensitive order-9 block at pfn 0 allocated, its
   * buddy at 512 free and sensitive, and every other block allocated.
   */
  private static BuddyAllocator pairOfDifferentSensitivity() {
    BuddyAllocator a = Fixtures.singleZone(new FakeArch(4, 4096, 0), new Metrics(), true);
    assertThat(a.alloc(0, 9, NS)).isEqualTo(0); // flips order-10 block 0 to nonsensitive
    assertThat(a.alloc(0, 9, NS)).isEqualTo(512);
    assertThat(a.alloc(0, 10, S)).isEqualTo(1024);
    assertThat(a.alloc(0, 10, S)).isEqualTo(2048);
    assertThat(a.alloc(0, 10, S)).isEqualTo(3072);
    a.free(0, 512, 9);
    assertThat(a.alloc(0, 9, S)).isEqualTo(512); // flips only the free order-9 block at 512
    a.free(0, 512, 9);
    assertThat(a.sensitivity(0)).isEqualTo(Sensitivity.NONSENSITIVE);
    assertThat(a.sensitivity(512)).isEqualTo(Sensitivity.SENSITIVE);
    assertThat(a.checkConsistency()).isNull();
    return a;
  }

  @Test
  void theShippedFreeKeepsSensitivitiesApart() {
    BuddyAllocator a = pairOfDifferentSensitivity();
    a.free(0, 0, 9);
    assertThat(a.zones[0].nrFree[9]).isEqualTo(2);
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void aMergeAcrossSensitivitiesIsCaught() {
    BuddyAllocator a = pairOfDifferentSensitivity();
    FreeArea fa = a.fa;
    int pfn = fa.ft.requireAllocated(0, 9, "block"); // free_frozen_pages() of an order above the pcp's
    mutantFreeOnePage(fa, fa.zoneOf(pfn), pfn, 9, fa.freetypeOf(pfn));
    assertThat(a.zones[0].nrFree[10]).as("the pair merged").isEqualTo(1);
    assertThat(a.checkConsistency()).isEqualTo("zone DMA32: free block pfn 0 order 10 on list type 0"
        + " but its pageblock says 6 (merged across freetypes)"); // 6: UNMOVABLE + MIGRATE_TYPES, sensitive
  }

  /** {@link FreeArea#freeOnePage} with mainline's {@code can_merge_freetypes()}. */
  private static void mutantFreeOnePage(FreeArea fa, Zone z, int pfn, int order, int freetype) {
    fa.ft.writeState(pfn, 0);
    while (order < FrameTable.MAX_ORDER) {
      int buddy = pfn ^ (1 << order);
      if (!z.contains(buddy) || !fa.ft.isBuddy(buddy, order)) {
        break;
      }
      int buddyFt = freetype;
      if (order >= FrameTable.PB_ORDER) {
        buddyFt = fa.freetypeOf(buddy);
        if (!mainlineCanMergeFreetypes(freetype, buddyFt)) {
          break;
        }
      }
      fa.delFromFreeList(z, buddy, order, buddyFt);
      if (buddyFt != freetype) {
        fa.changePageblockRange(buddy, order, freetype % FrameTable.MIGRATE_TYPES);
      }
      pfn &= buddy;
      order++;
    }
    fa.addToFreeList(z, pfn, order, freetype, false);
  }

  /** Mainline's rule (one sensitivity): any two pcp migratetypes merge. The bug: sensitivity ignored. */
  private static boolean mainlineCanMergeFreetypes(int a, int b) {
    return a == b || (a % FrameTable.MIGRATE_TYPES < io.asisim.api.mm.Migratetype.MIGRATE_PCPTYPES
        && b % FrameTable.MIGRATE_TYPES < io.asisim.api.mm.Migratetype.MIGRATE_PCPTYPES);
  }
}
