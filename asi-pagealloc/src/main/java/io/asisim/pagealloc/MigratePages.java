package io.asisim.pagealloc;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.PageMigration;

/**
 * {@code migrate_pages()} → {@code migrate_pages_batch()} (mm/migrate.c) as compaction and
 * {@code alloc_contig_range()} call it: an isolated batch of movable folios, each copied to the
 * target its caller allocates ({@code compaction_alloc()}, {@code alloc_migration_target()}), one
 * TLB flush for the batch ({@code try_to_unmap_flush()}), then the sources freed
 * ({@code folio_put()}). Which pages can move is decided here too: the kernel's
 * ({@link PageMigration#movable}, {@link PageMigration#folioOrder}) and a seeded state's pages of
 * the rest of the system ({@link Preexisting}: order-0 pages, the seeding knows no folios), which
 * move inside the allocator.
 *
 * <p>A large folio (only {@code alloc_contig_range()} isolates one) asks for a target of its own
 * order; without one ({@code -ENOMEM}) it counts {@code thp_migration_fail} and is split
 * ({@code try_split_folio()}, {@code thp_migration_split}), and its mapped pages are migrated as
 * order-0 pages in a second batch after the first, as {@code migrate_pages()} retries
 * {@code split_folios}. A folio that cannot be split, or an order-0 page without a target, ends the
 * batch: its pages count {@code pgmigrate_fail}, the folios after it go back untried
 * ({@code putback_movable_pages()}), as {@code migrate_pages_batch()}'s {@code -ENOMEM} case does.
 * {@code pgmigrate_success} counts base pages ({@code stats->nr_succeeded += nr_pages}).
 */
final class MigratePages {
  /** The frame state of an allocated movable order-0 page: what a migration scanner may isolate. */
  static final int MOVABLE_PAGE = FrameTable.ALLOC | FrameTable.MOVABLE_ALLOC;

  /**
   * Cycles to migrate a movable page of the rest of the system (a seeded state's): {@code migrate_pages()}
   * and its 4 KiB copy (estimate; the simulated kernel's own pages are charged by the kernel's
   * migration, their copy through the mapper).
   */
  static final long COST_MIGRATE_UNSIMULATED = 3000;

  /** The target of one folio ({@code new_folio_t}); -1 when there is none ({@code -ENOMEM}). */
  interface Target {
    /**
     * @param src the folio to move (its head)
     * @param order its order: the target's
     * @param left folios of the batch still to move, this one included
     */
    int alloc(int src, int order, int left);
  }

  private final FreeArea fa;
  private final Pcp pcp;
  private final ArchPageOps arch;
  /** The kernel's page migration, or null (none attached: only a seeded state's pages move). */
  private final PageMigration migration;
  private final Preexisting preexisting;
  private final Metrics metrics;
  private final Counter migrated;
  private final Counter migrateFailed;
  /** {@code thp_migration_*}, registered at the first large folio isolated (a run without one reports none). */
  private Counter thpSuccess;
  private Counter thpFail;
  private Counter thpSplit;
  /** The mapped pages of folios split in this call ({@code split_folios}), migrated after the batch. */
  private int[] split = new int[0];

  MigratePages(FreeArea fa, Pcp pcp, ArchPageOps arch, PageMigration migration, Preexisting preexisting,
      Metrics metrics) {
    this.fa = fa;
    this.pcp = pcp;
    this.arch = arch;
    this.migration = migration;
    this.preexisting = preexisting;
    this.metrics = metrics;
    this.migrated = metrics.counter(StandardMetrics.PGMIGRATE_SUCCESS);
    this.migrateFailed = metrics.counter(StandardMetrics.PGMIGRATE_FAIL);
  }

  /** Whether the page at {@code pfn}, of frame state {@code state}, can be migrated. */
  boolean movable(int pfn, int state) {
    return state == MOVABLE_PAGE && (isPreexisting(pfn) || migration != null && migration.movable(pfn));
  }

  /**
   * {@code isolate_migratepages_block()} with {@code cc->alloc_contig} on an allocated block of
   * order above 0 at {@code pfn}, of frame state {@code state}: whether it is a large folio the
   * kernel can migrate ({@link PageMigration#folioOrder} gives the block's order).
   */
  boolean folioMovable(int pfn, int state) {
    int order = state & FrameTable.ORDER_MASK;
    if ((state & ~FrameTable.ORDER_MASK) != MOVABLE_PAGE || order == 0 || migration == null
        || migration.folioOrder(pfn) != order) {
      return false;
    }
    if (thpSuccess == null) {
      thpSuccess = metrics.counter(StandardMetrics.THP_MIGRATION_SUCCESS);
      thpFail = metrics.counter(StandardMetrics.THP_MIGRATION_FAIL);
      thpSplit = metrics.counter(StandardMetrics.THP_MIGRATION_SPLIT);
    }
    return true;
  }

  /**
   * Moves the folios {@code pages[0..n)} (heads; their orders are the frame table's) on
   * {@code cpu}, in order, until one finds no target and cannot be split. Returns how many base
   * pages moved (a split folio's pages that moved included).
   */
  int migrate(int cpu, int[] pages, int n, Target target) {
    int nrSplit = 0;
    int moved = 0;
    long movedPages = 0;
    for (int i = 0; i < n; i++) {
      int src = pages[i];
      int order = fa.ft.stateOf(src) & FrameTable.ORDER_MASK;
      int dst = target.alloc(src, order, n - i);
      if (dst < 0) {
        if (order > 0) {
          thpFail.inc(); // stats->nr_thp_failed, split or not
          if (migration.splitFolio(cpu, src, order)) { // try_split_folio(): its pages join split_folios
            thpSplit.inc();
            nrSplit = collectSplit(src, order, nrSplit);
            continue;
          }
        }
        migrateFailed.add(1L << order); // -ENOMEM: the rest go back untried
        break;
      }
      if (order > 0) {
        migration.migrateFolio(cpu, src, dst, order);
        thpSuccess.inc();
      } else if (isPreexisting(src)) {
        preexisting.move(src, dst); // a page of the rest of the system: no simulated mapping to update
        arch.charge(cpu, COST_MIGRATE_UNSIMULATED);
      } else {
        migration.migrate(cpu, src, dst);
      }
      pages[moved++] = src;
      movedPages += 1L << order;
    }
    finish(cpu, pages, moved, movedPages);
    if (nrSplit == 0) {
      return (int) movedPages;
    }
    // migrate_pages(): the split folios' pages, one more batch of order-0 pages
    int m = 0;
    for (int i = 0; i < nrSplit; i++) {
      int dst = target.alloc(split[i], 0, nrSplit - i);
      if (dst < 0) {
        migrateFailed.inc();
        break;
      }
      migration.migrate(cpu, split[i], dst);
      split[m++] = split[i];
    }
    finish(cpu, split, m, m);
    return (int) movedPages + m;
  }

  /** {@code try_to_unmap_flush()} of the batch, then {@code folio_put()} of each old folio. */
  private void finish(int cpu, int[] folios, int n, long basePages) {
    if (n == 0) {
      return;
    }
    if (migration != null) {
      migration.flush(cpu); // before the sources are freed: no CPU may still reach them
    }
    for (int i = 0; i < n; i++) {
      pcp.freeFrozenPages(fa, cpu, folios[i], fa.ft.stateOf(folios[i]) & FrameTable.ORDER_MASK);
    }
    migrated.add(basePages);
  }

  /** The pages of the folio split at {@code head} still mapped (its unmapped ones were freed), after {@code n} others. */
  private int collectSplit(int head, int order, int n) {
    if (split.length < n + (1 << order)) {
      split = java.util.Arrays.copyOf(split, n + (1 << order)); // once per order: the buffer stays
    }
    for (int p = head; p < head + (1 << order); p++) {
      if (movable(p, fa.ft.stateOf(p))) {
        split[n++] = p;
      }
    }
    return n;
  }

  private boolean isPreexisting(int pfn) {
    return preexisting != null && preexisting.isHeld(pfn);
  }
}
