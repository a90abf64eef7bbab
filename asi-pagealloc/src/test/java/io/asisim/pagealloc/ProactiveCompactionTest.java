package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.fixtures.FakeArch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proactive compaction ({@code proactive_compact_node()}, {@link FragmentationScore}) on the
 * hand-checked layout of {@link CompactionTest}: one 4096-page zone of movable pages with every odd
 * one freed, so the 2048 free pages are all single pages.
 */
class ProactiveCompactionTest {
  private static long get(Metrics m, io.asisim.api.metrics.MetricDescriptor d) {
    return m.get(d.name());
  }

  @Test
  void theScoresAndMarksAreTheKernels() {
    // extfrag_for_order(9): the share of free pages outside blocks of order 9 or more
    assertThat(ExtFrag.extfragForOrder(9, new long[] {2048, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})).isEqualTo(100);
    assertThat(ExtFrag.extfragForOrder(9, new long[] {1475, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0})).isEqualTo(74); // 1533 * 100 / 2045
    assertThat(ExtFrag.extfragForOrder(9, new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2})).isZero();
    assertThat(ExtFrag.extfragForOrder(9, new long[11])).as("no free memory").isZero();
    // fragmentation_score_wmark(): max(100 - proactiveness, 5), and 10 above at most 100
    assertThat(FragmentationScore.wmark(20, true)).isEqualTo(80);
    assertThat(FragmentationScore.wmark(20, false)).isEqualTo(90);
    assertThat(FragmentationScore.wmark(100, true)).isEqualTo(5);
    assertThat(FragmentationScore.wmark(100, false)).isEqualTo(15);
    assertThat(FragmentationScore.wmark(1, false)).isEqualTo(100);
  }

  /**
   * Score 99 (4096 × 100 / 4097) is above the high mark, so the zone is compacted from both ends.
   * The migrate scanner empties block 0 (256 pages, 8 batches of 32) and one batch of block 1 (32
   * pages of the 63 scanned) before the score falls to 73 (one free order-9 block: 1533 of 2045
   * free pages outside it; three still on the pcp list): then the low mark (80) ends the run. The
   * scans are kcompactd's; no stall, no kcompactd_do_work() wake-up. A second pass finds 73 and
   * does nothing.
   */
  @Test
  void aFragmentedZoneIsCompactedUntilItsScoreIsAtTheLowMark() {
    Metrics m = new Metrics();
    CompactionTest.FakeMigration mig = new CompactionTest.FakeMigration();
    BuddyAllocator a = CompactionTest.fragmented(m, mig, false);
    assertThat(a.compactionProactiveness()).isEqualTo(20);
    assertThat(FragmentationScore.node(a.fa)).isEqualTo(99);

    assertThat(a.proactiveCompact(0)).isEqualTo(PageAllocator.PROACTIVE_PROGRESS);

    assertThat(FragmentationScore.node(a.fa)).isEqualTo(73);
    assertThat(a.fa.byIndex[1].nrFree).containsExactly(1475, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0);
    assertThat(get(m, StandardMetrics.PGMIGRATE_SUCCESS)).isEqualTo(288);
    assertThat(mig.flushes).isEqualTo(9);
    assertThat(get(m, StandardMetrics.COMPACT_MIGRATE_SCANNED)).isEqualTo(575)
        .isEqualTo(get(m, StandardMetrics.COMPACT_DAEMON_MIGRATE_SCANNED));
    assertThat(get(m, StandardMetrics.COMPACT_FREE_SCANNED)).isEqualTo(576)
        .isEqualTo(get(m, StandardMetrics.COMPACT_DAEMON_FREE_SCANNED));
    assertThat(get(m, StandardMetrics.COMPACT_STALL)).isZero();
    assertThat(get(m, StandardMetrics.COMPACT_DAEMON_WAKE)).isZero();
    assertThat(a.checkConsistency()).isNull();

    assertThat(a.proactiveCompact(0)).isEqualTo(PageAllocator.PROACTIVE_IDLE);
    assertThat(get(m, StandardMetrics.PGMIGRATE_SUCCESS)).isEqualTo(288);
  }

  /** Nothing movable (the kernel holds no page the test may move): the pass scans but the score stays. */
  @Test
  void aPassThatMovesNothingReportsNoProgress() {
    Metrics m = new Metrics();
    CompactionTest.FakeMigration mig = new CompactionTest.FakeMigration();
    BuddyAllocator a = CompactionTest.fragmented(m, mig, false);
    mig.held.clear();
    assertThat(a.proactiveCompact(0)).isEqualTo(PageAllocator.PROACTIVE_NO_PROGRESS);
    assertThat(FragmentationScore.node(a.fa)).isEqualTo(99);
    assertThat(get(m, StandardMetrics.COMPACT_DAEMON_MIGRATE_SCANNED)).isPositive();
    assertThat(get(m, StandardMetrics.PGMIGRATE_SUCCESS)).isZero();
  }

  /** Proactiveness 0 turns it off; 100 (low mark 5) on unfragmented memory finds nothing to do; no compaction, no proactiveness. */
  @Test
  void theSysctlAndCompactionItselfTurnItOff() {
    for (int proactiveness : new int[] {0, 100}) {
      FakeArch arch = new FakeArch(1, 4096, 0);
      BuddyAllocator b = new BuddyAllocator(arch, new Metrics(), Fixtures.GFP_SENSITIVE,
          new BuddyConfig(false, 0, false, 1, 1, 100, 400, 1500, 0, true, proactiveness),
          List.of(new ZoneSpan(1, "DMA32", 0, arch.nrFrames())));
      b.freeAllBootMemory();
      assertThat(b.compactionProactiveness()).as("before page migration is attached").isZero();
      b.attachMigration(new CompactionTest.FakeMigration());
      assertThat(b.compactionProactiveness()).isEqualTo(proactiveness);
      assertThat(b.proactiveCompact(0))
          .isEqualTo(proactiveness == 0 ? PageAllocator.PROACTIVE_OFF : PageAllocator.PROACTIVE_IDLE);
    }
    FakeArch arch = new FakeArch(1, 4096, 0);
    BuddyAllocator off = new BuddyAllocator(arch, new Metrics(), Fixtures.GFP_SENSITIVE,
        new BuddyConfig(false, 0, false, 1, 1, 100, 400, 1500, 0, false, 20), List.of(new ZoneSpan(1, "DMA32", 0, 4096)));
    off.freeAllBootMemory();
    off.attachMigration(new CompactionTest.FakeMigration());
    assertThat(off.compactionProactiveness()).as("compaction=false").isZero();
    assertThat(off.proactiveCompact(0)).isEqualTo(PageAllocator.PROACTIVE_OFF);
  }
}
