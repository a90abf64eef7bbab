package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_ATOMIC;
import static io.asisim.api.mm.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.asisim.api.mm.Gfp.__GFP_SENSITIVE;
import static io.asisim.api.mm.Migratetype.MIGRATE_HIGHATOMIC;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.fixtures.FakeArch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pageblock-migratetype strategy against the HIGHATOMIC reserve: each sensitivity has its own
 * HIGHATOMIC lists ({@code reserve_highatomic_pageblock()} retypes a pageblock within its
 * sensitivity), so an atomic request may find the reserve only in the other sensitivity's lists,
 * which {@link PageblockSensitivity#highatomicMiss} counts ({@code asi_highatomic_sensitivity_misses},
 * {@code rmqueue_buddy()}'s ALLOC_HIGHATOMIC attempt), and HIGHATOMIC blocks never flip.
 *
 * <p>One 256 MiB zone (65536 frames, 128 pageblocks, all sensitive at boot), 2 CPUs,
 * min_free_kbytes 4096: min 1024, low 1280 pages, as in {@code HighatomicScenarioTest}.
 */
class SensitivityReservesTest {
  private static final int T = FrameTable.MIGRATE_TYPES;
  private static final int S_MOVABLE = GFP_HIGHUSER_MOVABLE | __GFP_SENSITIVE;
  private static final int S_ATOMIC = GFP_ATOMIC | __GFP_SENSITIVE;

  private final FakeArch arch = new FakeArch(2, 65536, 0);
  private final Metrics m = new Metrics();
  private final BuddyAllocator a = new BuddyAllocator(arch, m, Fixtures.GFP_SENSITIVE,
      new BuddyConfig(true, 0, false, 4096, 10, 100, 400, 1500), List.of(new ZoneSpan(1, "DMA32", 0, 65536)));

  /**
   * Sensitive movable memory allocated down to the low watermark (free: 64256@8 and 64512@10),
   * then a sensitive GFP_ATOMIC order-1 request, which fails the fast path (1280 - 1 <= low) and
   * in the slow path reserves pageblock 64512 as sensitive HIGHATOMIC (served by the pcp refill,
   * so {@code rmqueue_buddy()}'s HIGHATOMIC attempt does not run).
   */
  private void sensitiveReserve() {
    a.freeAllBootMemory();
    for (int i = 0; i < 62; i++) {
      assertThat(a.alloc(0, 10, S_MOVABLE)).isEqualTo(i * 1024L);
    }
    assertThat(a.alloc(0, 9, S_MOVABLE)).isEqualTo(63488);
    assertThat(a.alloc(0, 8, S_MOVABLE)).isEqualTo(64000);
    assertThat(a.zones[0].freePages).isEqualTo(1280);
    assertThat(a.alloc(0, 1, S_ATOMIC)).isEqualTo(64512);
    assertThat(a.ft.pbMigratetype(64512)).isEqualTo(MIGRATE_HIGHATOMIC);
    assertThat(a.sensitivity(64512)).isEqualTo(io.asisim.api.mm.Sensitivity.SENSITIVE);
    assertThat(Fixtures.count(a, 1, T + MIGRATE_HIGHATOMIC)).isEqualTo(1); // 64526@1
    assertThat(a.zones[0].nrReservedHighatomic).isEqualTo(512);
  }

  @Test
  void aNonsensitiveAtomicRequestSeesTheSensitiveReserveAndMayNotFlip() {
    sensitiveReserve();
    assertThat(a.alloc(0, 1, GFP_ATOMIC)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("asi_highatomic_sensitivity_misses")).isEqualTo(1);
    assertThat(m.get("asi_flips_refused_nonblocking")).isEqualTo(1); // 65024@9 could have flipped
    assertThat(m.get("pageblock_flips_to_nonsensitive")).isZero();
    assertThat(a.checkConsistency()).isNull();
  }

  /**
   * The other way round: a nonsensitive reserve (pageblock 512, of the nonsensitive order-10 block
   * 0 that a blocking request flipped) and a sensitive atomic order-8 request that misses its own
   * reserve while 768@8, nonsensitive HIGHATOMIC, is free. It is then served from sensitive
   * memory: an unmovable request claims the largest movable block, 65024@9, whose pageblock then
   * becomes the sensitive reserve.
   */
  @Test
  void aSensitiveAtomicRequestSeesTheNonsensitiveReserve() {
    a.freeAllBootMemory();
    assertThat(a.alloc(0, 9, GFP_HIGHUSER_MOVABLE)).isEqualTo(0); // flips 0@10: 512@9 nonsensitive free
    assertThat(m.get("pageblock_flips_to_nonsensitive")).isEqualTo(2);
    for (int i = 1; i < 63; i++) {
      assertThat(a.alloc(0, 10, S_MOVABLE)).isEqualTo(i * 1024L);
    }
    assertThat(a.alloc(0, 8, S_MOVABLE)).isEqualTo(64512);
    // free: 512@9 nonsensitive, 64768@8 and 65024@9 sensitive = 1280, the low watermark
    assertThat(a.zones[0].freePages).isEqualTo(1280);
    // Order 4 (above the pcp orders): rmqueue_buddy()'s ALLOC_HIGHATOMIC attempt finds no
    // nonsensitive reserve, and no sensitive one at any order: not a sensitivity miss. Served from
    // 512@9 in the slow path, which reserves pageblock 512.
    assertThat(a.alloc(0, 4, GFP_ATOMIC)).isEqualTo(512);
    assertThat(m.get("asi_highatomic_sensitivity_misses")).isZero();
    assertThat(a.ft.pbMigratetype(512)).isEqualTo(MIGRATE_HIGHATOMIC);
    assertThat(Fixtures.count(a, 8, MIGRATE_HIGHATOMIC)).isEqualTo(1); // 768@8, nonsensitive
    assertThat(a.alloc(0, 8, S_ATOMIC)).isEqualTo(65024);
    assertThat(m.get("asi_highatomic_sensitivity_misses")).isEqualTo(1);
    assertThat(a.ft.pbMigratetype(65024)).isEqualTo(MIGRATE_HIGHATOMIC);
    assertThat(a.zones[0].nrReservedHighatomic).isEqualTo(1024);
    assertThat(a.checkConsistency()).isNull();
  }

  /**
   * HIGHATOMIC blocks never flip, so a free reserve is no reason to count a refusal. With
   * min_free_kbytes 1 (min 0, low 6 pages in this zone): a nonsensitive atomic order-9 request in
   * the slow path reserves pageblock 512 and is freed again, leaving 512@9 nonsensitive HIGHATOMIC
   * the only free block. A sensitive atomic request then finds nothing of its own and nothing it
   * could have flipped.
   */
  @Test
  void aFreeHighatomicBlockOfTheOtherSensitivityIsNotFlippable() {
    BuddyAllocator b = new BuddyAllocator(arch, m, Fixtures.GFP_SENSITIVE,
        new BuddyConfig(true, 0, false, 1, 1, 100, 400, 1500), List.of(new ZoneSpan(1, "DMA32", 0, 65536)));
    b.freeAllBootMemory();
    assertThat(b.zones[0].wmarkLow).isEqualTo(6);
    assertThat(b.alloc(0, 9, GFP_HIGHUSER_MOVABLE)).isEqualTo(0); // flips 0@10: 512@9 nonsensitive free
    for (int i = 1; i < 64; i++) {
      assertThat(b.alloc(0, 10, S_MOVABLE)).isEqualTo(i * 1024L);
    }
    assertThat(b.alloc(0, 9, GFP_ATOMIC)).isEqualTo(512); // 512 - 511 <= low 6: the slow path's
    assertThat(b.ft.pbMigratetype(512)).isEqualTo(MIGRATE_HIGHATOMIC);
    b.free(0, 512, 9);
    assertThat(Fixtures.count(b, 9, MIGRATE_HIGHATOMIC)).isEqualTo(1);
    assertThat(b.freePages()).isEqualTo(512);
    assertThat(b.alloc(0, 0, S_ATOMIC)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("asi_flips_refused_nonblocking")).isZero();
    assertThat(b.checkConsistency()).isNull();
  }
}
