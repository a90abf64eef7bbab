package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_ATOMIC;
import static io.asisim.api.mm.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Gfp.__GFP_MOVABLE;
import static io.asisim.api.mm.Gfp.__GFP_SENSITIVE;
import static io.asisim.api.mm.Migratetype.MIGRATE_CMA;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which free blocks of the other sensitivity the pageblock-migratetype strategy may flip
 * ({@link PageblockSensitivity}'s {@code flippableType}): the pcp migratetypes always, CMA only
 * for a request that may use CMA ({@code ALLOC_CMA}, movable: {@code gfp_to_alloc_flags_cma()}),
 * never HIGHATOMIC. The same rule decides whether a non-blocking request's refusal counts
 * ({@code asi_flips_refused_nonblocking}) and what a blocking one flips
 * ({@code asi_cma_pageblock_flips}).
 *
 * <p>One 16 MiB zone (4096 frames, 8 pageblocks) whose top two pageblocks, 3072..4095, are
 * MIGRATE_CMA ({@code cma_activate_area()}), 4 CPUs, watermarks 0; every pageblock sensitive at boot.
 */
class CmaFlipTest {
  private static final int S_KERNEL = GFP_KERNEL | __GFP_SENSITIVE;

  private final FakeArch arch = new FakeArch(4, 4096, 0);
  private final Metrics m = new Metrics();
  private final BuddyAllocator a = new BuddyAllocator(arch, m, Fixtures.GFP_SENSITIVE,
      new BuddyConfig(true, 2, false, 1, 1, 100, 400, 1500), List.of(new ZoneSpan(1, "DMA32", 0, 4096)));

  @Test
  void cmaBlocksFlipOnlyForRequestsThatMayUseCma() {
    a.freeAllBootMemory();
    assertThat(a.ft.pbMigratetype(3072)).isEqualTo(MIGRATE_CMA);
    // At boot the sensitive MOVABLE blocks could flip: a non-blocking refusal counts.
    assertThat(a.alloc(0, 0, GFP_ATOMIC)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("asi_flips_refused_nonblocking")).isEqualTo(1);
    assertThat(a.takeKswapdWakeup()).isTrue(); // it failed in the slow path, which wakes kswapd
    // Sensitive unmovable requests take every non-CMA block but 2816@8 (CMA serves only movable
    // requests). 2816@8 is below pageblock order: it cannot flip, but it keeps the watermark
    // check of a request without ALLOC_CMA (free pages minus free CMA pages) above 0.
    assertThat(a.alloc(0, 10, S_KERNEL)).isEqualTo(0);
    assertThat(a.alloc(0, 10, S_KERNEL)).isEqualTo(1024);
    assertThat(a.alloc(0, 9, S_KERNEL)).isEqualTo(2048);
    assertThat(a.alloc(0, 8, S_KERNEL)).isEqualTo(2560);
    assertThat(a.takeKswapdWakeup()).isFalse(); // claimed in the first attempt
    // Free: 2816@8 and the sensitive CMA block 3072@10. A non-blocking unmovable request could
    // not have flipped either: no refusal counted; a movable one could have flipped the CMA block.
    assertThat(a.alloc(0, 0, GFP_ATOMIC)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("asi_flips_refused_nonblocking")).isEqualTo(1);
    assertThat(a.alloc(0, 0, GFP_ATOMIC | __GFP_MOVABLE)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("asi_flips_refused_nonblocking")).isEqualTo(2);
    assertThat(a.takeKswapdWakeup()).isTrue();
    // A blocking unmovable request finds nothing to flip (its migratetype, its two fallbacks,
    // not CMA) and fails in the slow path, which wakes kswapd.
    assertThat(a.alloc(0, 0, GFP_KERNEL)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(m.get("pageblock_flips_to_nonsensitive")).isZero();
    assertThat(a.takeKswapdWakeup()).isTrue();
    assertThat(a.sensitivityChanges()).isZero();
    // A blocking movable request flips the CMA block (2 pageblocks: zeroed, mapped) in its first
    // attempt, so it never reaches the slow path, and takes its first half from the CMA list.
    assertThat(a.alloc(0, 9, GFP_HIGHUSER_MOVABLE)).isEqualTo(3072);
    assertThat(a.takeKswapdWakeup()).isFalse();
    assertThat(m.get("asi_cma_pageblock_flips")).isEqualTo(2);
    assertThat(m.get("pageblock_flips_to_nonsensitive")).isEqualTo(2);
    assertThat(a.sensitivityChanges()).isEqualTo(2);
    assertThat(arch.pagesZeroed()).isEqualTo(1024);
    assertThat(arch.isRestrictedMapped(3072)).isTrue();
    assertThat(arch.isRestrictedMapped(4095)).isTrue();
    assertThat(a.ft.pbMigratetype(3072)).isEqualTo(MIGRATE_CMA); // still CMA, now nonsensitive
    assertThat(a.sensitivity(3584)).isEqualTo(Sensitivity.NONSENSITIVE);
    assertThat(Fixtures.count(a, 9, MIGRATE_CMA)).isEqualTo(1); // 3584@9, nonsensitive CMA
    // one flag read per pageblock, up to the end of the range (the last frame of memory)
    assertThat(a.anySensitive(3072, 1024)).isFalse();
    assertThat(a.anySensitive(2048, 1025)).isTrue();
    assertThat(a.checkConsistency()).isNull();
  }
}
