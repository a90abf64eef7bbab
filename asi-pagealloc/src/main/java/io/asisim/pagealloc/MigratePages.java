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
 * <p>A large folio (only {@code alloc_contig_range()} isolates one) on the deferred split queue and
 * partially mapped is split first; another asks for a target of its own order and without one
 * ({@code -ENOMEM}) is split; either way it counts {@code thp_migration_fail} and
 * {@code thp_migration_split} ({@code try_split_folio()}), and its mapped pages are migrated as
 * order-0 pages in a second batch after the first, as {@code migrate_pages()} retries
 * {@code split_folios}. A folio that cannot be split, or an order-0 page without a target, ends the
 * batch with {@code -ENOMEM}: its pages count {@code pgmigrate_fail}, the folios after it and the
 * split pages go back untried ({@code putback_movable_pages()}). {@code pgmigrate_success} counts
 * base pages ({@code stats->nr_succeeded += nr_pages}); a split folio's unmapped pages are freed by
 * the split ({@code __split_huge_page()} frees zapped tail pages when it splits to a list, Linux
 * 6.12 "mm: free zapped tail pages when splitting isolated thp") and count neither.
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
  /** Pages of {@link #split} the split batch could not move, {@link #nrLeft} of them. */
  private int[] left = new int[0];
  private int nrLeft;
  /** Pages the splits of one {@link #migrate} call freed: the kernel counts them migrated ("freed from under us"). */
  private long splitFreed;

  /** {@code -ENOMEM}, as {@link #migrate} returns it. */
  static final int ENOMEM = -io.asisim.api.mm.PageAllocator.ENOMEM;

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
    if (!migration.folioHugetlb(pfn)) { // isolate_hugetlb() counts no THP event
      thpCounters();
    }
    return true;
  }

  /** Registers {@code thp_migration_*} once a large folio is isolated or migrated, here or by {@link #migrate}. */
  private void thpCounters() {
    if (thpSuccess == null) {
      thpSuccess = metrics.counter(StandardMetrics.THP_MIGRATION_SUCCESS);
      thpFail = metrics.counter(StandardMetrics.THP_MIGRATION_FAIL);
      thpSplit = metrics.counter(StandardMetrics.THP_MIGRATION_SPLIT);
    }
  }

  /**
   * {@code migrate_pages()} of the folios {@code pages[0..n)} (heads; their orders are the frame
   * table's) on {@code cpu}, one {@code migrate_pages_batch()} in order. A large folio on the
   * deferred split queue and partially mapped ({@link PageMigration#folioPartiallyMapped}) is split
   * before a target is asked for, as {@code migrate_pages_batch()} does since Linux 6.10 ("mm/migrate:
   * split source folio if it is on deferred split list", narrowed to
   * {@code folio_test_partially_mapped()} in 6.12): {@code nr_failed++}, {@code thp_migration_fail}
   * and {@code thp_migration_split}, its mapped pages join {@code split_folios}; a folio that cannot
   * be split is migrated whole. Without a target a large folio is split the same way
   * ({@code -ENOMEM} case); a folio that cannot be split, or an order-0 page without a target, ends
   * the batch with {@code -ENOMEM}: its pages count {@code pgmigrate_fail}, the folios after it and
   * every split folio's pages go back untried ({@code list_splice_tail(&split_folios, &ret_folios)}).
   * Otherwise {@code split_folios} is migrated in one more batch, whose failures are not returned
   * ("failure isn't counted since all split folios of a large folio is counted as 1 failure
   * already"), and the pages it could not move are left for the caller: {@link #nrLeft} of them in
   * {@link #left} ({@code list_splice(&ret_folios, from)}). A hugetlb folio
   * ({@link PageMigration#folioHugetlb}) is moved as {@code migrate_hugetlbs()} moves it: whole, or
   * {@code -ENOMEM} without a target, and no {@code thp_migration_*} event (the kernel moves the
   * batch's hugetlb folios before the others; here they move in the batch's order).
   *
   * @return {@code -ENOMEM}, or the number of folios not migrated (a split one counts 1)
   */
  int migrate(int cpu, int[] pages, int n, Target target) {
    int nrSplit = 0;
    splitFreed = 0;
    int nrFailed = 0;
    int moved = 0;
    long movedPages = 0;
    nrLeft = 0;
    int rc = 0;
    for (int i = 0; i < n; i++) {
      int src = pages[i];
      int order = fa.ft.stateOf(src) & FrameTable.ORDER_MASK;
      // a hugetlb folio goes through migrate_hugetlbs(): never split, no THP event
      boolean thp = order > 0 && !migration.folioHugetlb(src);
      if (thp) {
        thpCounters(); // a caller that did not isolate through folioMovable() counts too
      }
      if (thp && order > 1 && migration.folioPartiallyMapped(src) && migration.splitFolio(cpu, src, order)) {
        nrFailed++; // split before a target is allocated: its pages are retried in split_folios
        thpFail.inc();
        thpSplit.inc();
        nrSplit = collectSplit(src, order, nrSplit);
        continue;
      }
      int dst = target.alloc(src, order, n - i);
      if (dst < 0) {
        nrFailed++;
        if (thp) {
          thpFail.inc(); // stats->nr_thp_failed, split or not
          if (migration.splitFolio(cpu, src, order)) { // try_split_folio(): its pages join split_folios
            thpSplit.inc();
            nrSplit = collectSplit(src, order, nrSplit);
            continue;
          }
        }
        migrateFailed.add(1L << order); // -ENOMEM: the rest go back untried
        rc = ENOMEM;
        break;
      }
      if (order > 0) {
        migration.migrateFolio(cpu, src, dst, order);
        if (thp) {
          thpSuccess.inc();
        }
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
    if (rc < 0) {
      return rc; // on -ENOMEM the split folios' pages go back untried
    }
    // the pages a split freed are still on split_folios in the kernel, their last reference the
    // list's: migrate_pages_batch() finds them "freed from under us" and counts them migrated (all
    // of them here; the kernel's split batch counts only those before a page that finds no target)
    migrated.add(splitFreed);
    if (nrSplit == 0) {
      return nrFailed;
    }
    // migrate_pages(): the split folios' pages, one more batch of order-0 pages, tried once
    int m = 0;
    for (int i = 0; i < nrSplit; i++) {
      int dst = target.alloc(split[i], 0, nrSplit - i);
      if (dst < 0) {
        migrateFailed.inc(); // stats->nr_failed_pages of the split batch: counted, not returned
        for (int j = i; j < nrSplit; j++) { // the failed page and the rest: ret_folios, back to from
          left[nrLeft++] = split[j];
        }
        break;
      }
      migration.migrate(cpu, split[i], dst);
      split[m++] = split[i];
    }
    finish(cpu, split, m, m);
    return nrFailed;
  }

  /** How many pages {@link #migrate} left in {@link #left} ({@code from} after the call), when it did not return {@code -ENOMEM}. */
  int nrLeft() {
    return nrLeft;
  }

  /** The pages {@link #migrate} left ({@link #nrLeft} of them): a split folio's pages that found no target. */
  int[] left() {
    return left;
  }

  /**
   * {@code reclaim_clean_pages_from_list()} on {@code pages[0..n)} before {@code alloc_contig_range()}'s
   * {@link #migrate}: each order-0 page of the kernel's that {@link PageMigration#reclaimClean}
   * drops is freed (to the isolate lists) and leaves the list, counted in no {@code pgmigrate_*}.
   * Returns how many are left, in order ({@code cc->nr_migratepages -= nr_reclaimed}).
   */
  int reclaimClean(int cpu, int[] pages, int n) {
    if (migration == null) {
      return n;
    }
    int m = 0;
    for (int i = 0; i < n; i++) {
      int p = pages[i];
      if ((fa.ft.stateOf(p) & FrameTable.ORDER_MASK) == 0 && !isPreexisting(p) && migration.reclaimClean(cpu, p)) {
        pcp.freeFrozenPages(fa, cpu, p, 0);
      } else {
        pages[m++] = p;
      }
    }
    return m;
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

  /**
   * The pages of the folio split at {@code head} still mapped (its unmapped ones were freed, and
   * {@link #splitFreed} counts them), after {@code n} others.
   */
  private int collectSplit(int head, int order, int n) {
    int n0 = n;
    if (split.length < n + (1 << order)) {
      split = java.util.Arrays.copyOf(split, n + (1 << order)); // once per order: the buffer stays
      left = new int[split.length];
    }
    for (int p = head; p < head + (1 << order); p++) {
      if (movable(p, fa.ft.stateOf(p))) {
        split[n++] = p;
      }
    }
    splitFreed += (1 << order) - (n - n0);
    return n;
  }

  private boolean isPreexisting(int pfn) {
    return preexisting != null && preexisting.isHeld(pfn);
  }
}
