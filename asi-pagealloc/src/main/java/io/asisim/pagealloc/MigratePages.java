package io.asisim.pagealloc;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.PageMigration;

/**
 * {@code migrate_pages()} (mm/migrate.c) as compaction and {@code alloc_contig_range()} call it: an
 * isolated batch of movable order-0 pages, each copied to the target its caller allocates
 * ({@code compaction_alloc()}, {@code alloc_migration_target()}), one TLB flush for the batch
 * ({@code try_to_unmap_flush()}), then the sources freed ({@code folio_put()}). Which pages can
 * move is decided here too: the kernel's ({@link PageMigration#movable}) and a seeded state's pages
 * of the rest of the system ({@link Preexisting}), which move inside the allocator.
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

  /** The target of one page ({@code new_folio_t}); -1 when there is none ({@code -ENOMEM}). */
  interface Target {
    /**
     * @param src the page to move
     * @param left pages of the batch still to move, this one included
     */
    int alloc(int src, int left);
  }

  private final FreeArea fa;
  private final Pcp pcp;
  private final ArchPageOps arch;
  /** The kernel's page migration, or null (none attached: only a seeded state's pages move). */
  private final PageMigration migration;
  private final Preexisting preexisting;
  private final Counter migrated;
  private final Counter migrateFailed;

  MigratePages(FreeArea fa, Pcp pcp, ArchPageOps arch, PageMigration migration, Preexisting preexisting,
      Metrics metrics) {
    this.fa = fa;
    this.pcp = pcp;
    this.arch = arch;
    this.migration = migration;
    this.preexisting = preexisting;
    this.migrated = metrics.counter(StandardMetrics.PGMIGRATE_SUCCESS);
    this.migrateFailed = metrics.counter(StandardMetrics.PGMIGRATE_FAIL);
  }

  /** Whether the page at {@code pfn}, of frame state {@code state}, can be migrated. */
  boolean movable(int pfn, int state) {
    return state == MOVABLE_PAGE && (isPreexisting(pfn) || migration != null && migration.movable(pfn));
  }

  /**
   * Moves {@code pages[0..n)} on {@code cpu}, in order, until one finds no target; the pages moved
   * are the first ones of {@code pages} on return (the rest go back: {@code putback_movable_pages()}).
   * Returns how many moved; {@code pgmigrate_fail} counts the rest.
   */
  int migrate(int cpu, int[] pages, int n, Target target) {
    int moved = 0;
    for (int i = 0; i < n; i++) {
      int src = pages[i];
      int dst = target.alloc(src, n - i);
      if (dst < 0) {
        migrateFailed.add(n - i);
        break;
      }
      if (isPreexisting(src)) {
        preexisting.move(src, dst); // a page of the rest of the system: no simulated mapping to update
        arch.charge(cpu, COST_MIGRATE_UNSIMULATED);
      } else {
        migration.migrate(cpu, src, dst);
      }
      pages[moved++] = src;
    }
    if (moved > 0) {
      if (migration != null) {
        migration.flush(cpu); // try_to_unmap_flush() before the sources are freed
      }
      for (int i = 0; i < moved; i++) {
        pcp.freeFrozenPages(fa, cpu, pages[i], 0); // folio_put() of the old folio
      }
      migrated.add(moved);
    }
    return moved;
  }

  private boolean isPreexisting(int pfn) {
    return preexisting != null && preexisting.isHeld(pfn);
  }
}
