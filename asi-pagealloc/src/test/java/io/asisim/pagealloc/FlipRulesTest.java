package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_ATOMIC;
import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Gfp.__GFP_SENSITIVE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Migratetype;
import io.asisim.api.mm.PageAllocator;
import io.asisim.fixtures.FakeArch;
import org.junit.jupiter.api.Test;

/**
 * The rules that keep the two sensitivities apart: {@code can_merge_freetypes()} and when a
 * non-blocking request's refusal to flip counts (only if a block of at least pageblock order could
 * have flipped). Gaps found by mutation testing, docs/mutation-testing.md.
 */
class FlipRulesTest {
  private static final int T = Migratetype.MIGRATE_TYPES; // freetype = sensitivity * T + migratetype
  private static final int UNMOVABLE = Migratetype.UNMOVABLE.ordinal();
  private static final int MOVABLE = Migratetype.MOVABLE.ordinal();
  private static final int RECLAIMABLE = Migratetype.RECLAIMABLE.ordinal();
  private static final int HIGHATOMIC = Migratetype.HIGHATOMIC.ordinal();
  private static final int S = GFP_KERNEL | __GFP_SENSITIVE;

  @Test
  void freetypesMergeWithinOneSensitivityAndOnlyAmongPcpTypes() {
    assertThat(FreeArea.canMergeFreetypes(T + HIGHATOMIC, T + HIGHATOMIC)).isTrue(); // identical
    assertThat(FreeArea.canMergeFreetypes(MOVABLE, UNMOVABLE)).isTrue();
    assertThat(FreeArea.canMergeFreetypes(T + UNMOVABLE, T + RECLAIMABLE)).isTrue();
    assertThat(FreeArea.canMergeFreetypes(MOVABLE, T + MOVABLE)).isFalse(); // nonsensitive vs sensitive
    assertThat(FreeArea.canMergeFreetypes(T + UNMOVABLE, UNMOVABLE)).isFalse();
    assertThat(FreeArea.canMergeFreetypes(HIGHATOMIC, UNMOVABLE)).isFalse();
    assertThat(FreeArea.canMergeFreetypes(UNMOVABLE, HIGHATOMIC)).isFalse();
  }

  @Test
  void aNonblockingRefusalCountsOnlyWhenAPageblockCouldHaveFlipped() {
    FakeArch arch = new FakeArch(4, 4096, 0);
    Metrics m = new Metrics();
    BuddyAllocator a = Fixtures.singleZone(arch, m, true);
    for (int i = 0; i < 4; i++) {
      assertThat(a.alloc(0, 10, S)).isEqualTo(i * 1024L); // all memory sensitive and allocated
    }
    a.free(0, 0, 10);
    assertThat(a.alloc(0, 9, S)).isEqualTo(0);
    assertThat(a.alloc(0, 8, S)).isEqualTo(512); // only 768@8 free: below pageblock order
    assertThat(a.alloc(0, 0, GFP_ATOMIC)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("asi_flips_refused_nonblocking")).isZero();
    a.free(0, 512, 8); // merges with 768@8: a free sensitive pageblock, 512@9
    assertThat(a.alloc(0, 0, GFP_ATOMIC)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("asi_flips_refused_nonblocking")).isEqualTo(1);
    assertThat(m.get("pageblock_flips_to_nonsensitive")).isZero();
    assertThat(a.alloc(0, 0, GFP_KERNEL)).isEqualTo(512); // a blocking request flips it
    assertThat(m.get("pageblock_flips_to_nonsensitive")).isEqualTo(1);
    assertThat(arch.pagesZeroed()).isEqualTo(512);
    assertThat(a.checkConsistency()).isNull();
  }
}
