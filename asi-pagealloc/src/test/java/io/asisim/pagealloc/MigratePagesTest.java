package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.fixtures.FakeArch;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code migrate_pages()} → {@code migrate_pages_batch()} ({@link MigratePages}) with large folios,
 * on one 16 MiB zone (4096 frames), watermarks 0, one CPU: a THP folio of order 9 the test's
 * kernel maps 500 pages of (12 unmapped, from page 100), and an order-0 page, each batch handed
 * to {@link MigratePages#migrate} directly with a target that allocates, or fails where the test
 * says.
 */
class MigratePagesTest {
  private final Metrics m = new Metrics();

  /** {@link CompactionTest.FakeMigration} with THP folios: a split frees pages 100..111 and keeps the rest movable. */
  private static final class FolioMigration extends CompactionTest.FakeMigration {
    final Set<Long> folios = new HashSet<>();
    final Set<Long> queued = new HashSet<>();
    BuddyAllocator a;
    int folioMoves;

    @Override public int folioOrder(long pfn) {
      return folios.contains(pfn) ? 9 : 0;
    }

    @Override public boolean folioPartiallyMapped(long head) {
      return queued.contains(head);
    }

    @Override public void migrateFolio(int cpu, long src, long dst, int order) {
      folios.remove(src);
      folios.add(dst);
      folioMoves++;
    }

    @Override public boolean splitFolio(int cpu, long head, int order) {
      a.splitPage(cpu, head, order);
      folios.remove(head);
      queued.remove(head);
      for (long p = head; p < head + 512; p++) {
        if (p >= head + 100 && p < head + 112) {
          a.free(cpu, p, 0); // the unmapped pages: freed by __split_huge_page()
        } else {
          held.add(p);
        }
      }
      return true;
    }
  }

  private final FolioMigration mig = new FolioMigration();
  private BuddyAllocator a;
  private MigratePages mp;
  private int thp;
  private int page;

  /** The allocator, the folio (queued for the deferred split or not) and the page. */
  private void setUp(boolean queued) {
    a = Fixtures.singleZone(new FakeArch(1, 4096, 0), m, false);
    mig.a = a;
    a.attachMigration(mig);
    mp = new MigratePages(a.fa, a.pcp, a.arch, mig, null, m);
    thp = (int) a.alloc(0, 9, Gfp.GFP_TRANSHUGE);
    page = (int) a.alloc(0, 0, Gfp.GFP_HIGHUSER_MOVABLE);
    mig.folios.add((long) thp);
    if (queued) {
      mig.queued.add((long) thp);
    }
    mig.held.add((long) page);
    assertThat(mp.folioMovable(thp, a.ft.stateOf(thp))).isTrue();
  }

  /** A target from the allocator, none for {@code noTarget}; at most {@code order0} order-0 ones. */
  private MigratePages.Target target(int noTarget, int order0) {
    int[] n = {0};
    return (src, order, left) -> src == noTarget || order == 0 && n[0]++ >= order0 ? -1
        : (int) a.alloc(0, order, order > 0 ? Gfp.GFP_TRANSHUGE_LIGHT : Gfp.GFP_HIGHUSER_MOVABLE);
  }

  /**
   * A queued, partially mapped folio is split before a target is asked for, though an order-9
   * one is free: {@code thp_migration_fail} 1, {@code thp_migration_split} 1, success 0, the 500
   * mapped pages moved in the split batch (pgmigrate_success 500, the 12 freed pages uncounted),
   * and {@code migrate_pages()} returns 1 (the split folio is a failure).
   */
  @Test
  void aQueuedPartiallyMappedFolioIsSplitBeforeItsTargetIsAllocated() {
    setUp(true);
    int[] batch = {thp};
    assertThat(mp.migrate(0, batch, 1, target(-1, Integer.MAX_VALUE))).isEqualTo(1);
    assertThat(mig.folioMoves).isZero();
    assertThat(m.get("thp_migration_success")).isZero();
    assertThat(m.get("thp_migration_fail")).isEqualTo(1);
    assertThat(m.get("thp_migration_split")).isEqualTo(1);
    assertThat(m.get("pgmigrate_success")).as("500 moved, 12 the split freed").isEqualTo(512);
    assertThat(m.get("pgmigrate_fail")).isZero();
    assertThat(mig.moves).hasSize(500);
    assertThat(mp.nrLeft()).isZero();
    assertThat(a.checkConsistency()).isNull();
  }

  /** The same folio not queued moves whole: success 1, 512 base pages, 0 returned. */
  @Test
  void aFolioNotQueuedMovesWhole() {
    setUp(false);
    int[] batch = {thp};
    assertThat(mp.migrate(0, batch, 1, target(-1, Integer.MAX_VALUE))).isZero();
    assertThat(mig.folioMoves).isEqualTo(1);
    assertThat(m.get("thp_migration_success")).isEqualTo(1);
    assertThat(m.get("thp_migration_fail")).isZero();
    assertThat(m.get("thp_migration_split")).isZero();
    assertThat(m.get("pgmigrate_success")).isEqualTo(512);
  }

  /**
   * The folio not queued, and no order-9 target ({@code -ENOMEM} for it): {@code thp_migration_fail}
   * 1 and split by {@code try_split_folio()} ({@code thp_migration_split} 1), its 500 mapped pages
   * moved in the split batch, 1 returned; nothing moved whole.
   */
  @Test
  void aFolioWithoutATargetIsSplitAndItsPagesMove() {
    setUp(false);
    int[] batch = {thp};
    MigratePages.Target noOrder9 = (src, order, left) -> order > 0 ? -1 : (int) a.alloc(0, 0, Gfp.GFP_HIGHUSER_MOVABLE);
    assertThat(mp.migrate(0, batch, 1, noOrder9)).isEqualTo(1);
    assertThat(mig.folioMoves).isZero();
    assertThat(m.get("thp_migration_success")).isZero();
    assertThat(m.get("thp_migration_fail")).isEqualTo(1);
    assertThat(m.get("thp_migration_split")).isEqualTo(1);
    assertThat(m.get("pgmigrate_success")).as("500 moved, 12 the split freed").isEqualTo(512);
    assertThat(mig.moves).hasSize(500);
    assertThat(a.checkConsistency()).isNull();
  }

  /**
   * The folio split, then the page after it in the batch without a target: {@code -ENOMEM}, and
   * {@code migrate_pages()} puts the split folio's pages back untried
   * ({@code list_splice_tail(&split_folios, &ret_folios)}): nothing moved, pgmigrate_fail 1 (the
   * page), the 500 pages still where they were.
   */
  @Test
  void enomemAfterASplitPutsTheSplitPagesBackUntried() {
    setUp(true);
    int[] batch = {thp, page};
    assertThat(mp.migrate(0, batch, 2, target(page, Integer.MAX_VALUE))).isEqualTo(MigratePages.ENOMEM);
    assertThat(m.get("thp_migration_fail")).isEqualTo(1);
    assertThat(m.get("thp_migration_split")).isEqualTo(1);
    assertThat(m.get("pgmigrate_success")).isZero();
    assertThat(m.get("pgmigrate_fail")).isEqualTo(1);
    assertThat(mig.moves).isEmpty();
    assertThat(mig.held).contains((long) thp, (long) thp + 99, (long) thp + 112, (long) thp + 511);
    assertThat(a.checkConsistency()).isNull();
  }

  /**
   * The split batch finds 200 order-0 targets: 200 pages move, the 201st fails (pgmigrate_fail 1,
   * counted but not returned: 1, the split folio) and it and the 299 after it are left for the
   * caller to retry ({@code list_splice(&ret_folios, from)}).
   */
  @Test
  void theSplitBatchLeavesItsFailedPagesForTheCaller() {
    setUp(true);
    int[] batch = {thp};
    assertThat(mp.migrate(0, batch, 1, target(-1, 200))).isEqualTo(1);
    assertThat(m.get("pgmigrate_success")).as("200 moved, 12 the split freed").isEqualTo(212);
    assertThat(m.get("pgmigrate_fail")).isEqualTo(1);
    assertThat(mp.nrLeft()).isEqualTo(300);
    assertThat(mp.left()[0]).as("page 212 of the folio: 200 moved, 12 freed before it").isEqualTo(thp + 212);
    assertThat(mp.left()[299]).isEqualTo(thp + 511);
    assertThat(a.checkConsistency()).isNull();
  }
}
