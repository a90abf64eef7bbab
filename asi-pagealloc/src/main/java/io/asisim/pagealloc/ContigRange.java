package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_ISOLATE;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.PageMigration;
import io.asisim.api.mm.Sensitivity;

/**
 * {@code alloc_contig_range()} (mm/page_alloc.c) with the page isolation of mm/page_isolation.c,
 * for whole pageblocks {@code [start, end)} of one zone: {@code start_isolate_page_range()} (each
 * pageblock MIGRATE_ISOLATE, its free pages moved to the isolate lists; a free order-10 block
 * across the range's edge split first, as {@code isolate_single_pageblock()} does),
 * {@code drain_all_pages()}, {@code __alloc_contig_migrate_range()} (every page the kernel can
 * move migrated to a page outside the range, {@code alloc_migration_target()}, one TLB flush per
 * batch: the range scanned once, a batch's leftover pages retried up to five times, {@code -ENOMEM}
 * ending it), {@code test_pages_isolated()}, {@code isolate_freepages_range()} and
 * {@code undo_isolate_page_range()}.
 *
 * <p>A page is movable as compaction's are ({@link MigratePages#movable}: {@link PageMigration#movable}, or a page of a seeded
 * state's rest of the system, moved inside the allocator); unlike compaction, a large folio (THP)
 * the kernel can move is isolated too ({@code isolate_migratepages_block()} skips compound pages
 * only {@code if (!cc->alloc_contig)}) and migrated whole to a folio of its order outside the
 * range, or split and its pages migrated when there is none ({@link MigratePages}). Anything else
 * in the range (a slab or page-table page, a page of the {@code __GFP_UNMAPPED} pool, free or
 * handed out) leaves a frame that is not free and isolated, so the range fails with {@code -EBUSY};
 * a migration target that cannot be allocated fails it with {@code -ENOMEM}. The pages already
 * moved stay where they went, as in the kernel.
 *
 * <p>Under ASI a page or folio moves to one of its own pageblock's sensitivity (the rule compaction
 * follows, docs/deviations.md). The range is handed out as it is: the posted series does not
 * integrate CMA, so its pageblocks keep whatever sensitivity they had (reported by {@link Cma}).
 * Migration targets are allocated without direct reclaim or compaction (the kernel's
 * {@code alloc_migration_target()} may do both; here the allocator cannot reclaim). Before each
 * {@code migrate_pages()}, {@code reclaim_clean_pages_from_list()} drops the clean page-cache pages
 * of the batch instead ({@link MigratePages#reclaimClean}; the kernel model drops the unmapped ones,
 * docs/deviations.md).
 */
final class ContigRange {
  /** {@code __alloc_contig_migrate_range()}: {@code migrate_pages()} calls on a batch's leftovers before {@code -EBUSY} ({@code ++tries == 5}). */
  static final int MAX_TRIES = 5;
  /** Cycles per pfn scanned (the compaction scanners' estimate, {@link CompactScanners#COST_SCAN_PER_PAGE}). */
  private static final long COST_SCAN_PER_PAGE = CompactScanners.COST_SCAN_PER_PAGE;

  /**
   * {@code alloc_migration_target()}'s mask for an order-0 page: {@code mtc.gfp_mask} of
   * {@code __alloc_contig_migrate_range()} and of memory hotplug's {@code do_migrate_range()},
   * {@code GFP_USER | __GFP_MOVABLE | __GFP_RETRY_MAYFAIL}, without direct reclaim (the allocator
   * cannot reclaim itself). No {@code __GFP_HIGHMEM}: a page of ZONE_NORMAL never moves into
   * ZONE_MOVABLE ({@link #targetGfp}).
   */
  static final int TARGET_GFP =
      (Gfp.GFP_USER | Gfp.__GFP_MOVABLE | Gfp.__GFP_RETRY_MAYFAIL) & ~Gfp.__GFP_DIRECT_RECLAIM;
  /**
   * Its mask for a large folio: {@code gfp_mask &= ~__GFP_RECLAIM; gfp_mask |= GFP_TRANSHUGE},
   * without direct reclaim as above: {@code GFP_TRANSHUGE_LIGHT}.
   */
  private static final int TARGET_GFP_LARGE = Gfp.GFP_TRANSHUGE_LIGHT;

  private final BuddyAllocator a;
  private final FreeArea fa;
  private final Pcp pcp;
  private final ArchPageOps arch;
  private final MigratePages migrate;
  private final int[] batch = new int[Compaction.COMPACT_CLUSTER_MAX];
  private int nrBatch;
  /** A batch's leftover pages ({@code cc->migratepages} after {@code migrate_pages()}), retried. */
  private int[] retry = new int[0];

  /**
   * Whether {@code reclaim_clean_pages_from_list()} runs before each {@code migrate_pages()}:
   * {@code __alloc_contig_migrate_range()} calls it, memory hotplug's {@code do_migrate_range()}
   * does not (it migrates page cache too).
   */
  private final boolean reclaimClean;

  /** {@code alloc_contig_range()} over the allocator's current sections (its pcp lists, its page migration). */
  ContigRange(BuddyAllocator a) {
    this(a, true);
  }

  /** The same, for memory hotplug's offline when {@code reclaimClean} is false ({@code do_migrate_range()}). */
  ContigRange(BuddyAllocator a, boolean reclaimClean) {
    this.reclaimClean = reclaimClean;
    this.a = a;
    this.fa = a.fa;
    this.pcp = a.pcp;
    this.arch = a.arch;
    this.migrate = new MigratePages(fa, pcp, arch, a.migration, a.preexisting, a.metrics);
  }

  /** Whether the pageblock of {@code pfn} is sensitive: only a strategy that keeps pageblock sensitivities says so. */
  boolean sensitive(int pfn) {
    return fa.nrSens > 1 && a.sensitivity(pfn) == Sensitivity.SENSITIVE;
  }

  /**
   * {@code alloc_migration_target()}'s mask for a folio of {@code order} at {@code src}: a large
   * one {@code GFP_TRANSHUGE} (which has {@code __GFP_HIGHMEM}), an order-0 one {@link #TARGET_GFP}
   * plus {@code __GFP_HIGHMEM} only when the source lies in ZONE_MOVABLE
   * ({@code if (is_highmem_idx(zidx) || zidx == ZONE_MOVABLE)}), so {@link Gfp#gfpZone} allows
   * ZONE_MOVABLE only then.
   */
  int targetGfp(int src, int order) {
    if (order > 0) {
      return TARGET_GFP_LARGE;
    }
    Zone z = fa.zoneOf(src);
    return z != null && z.index == Gfp.ZONE_MOVABLE ? TARGET_GFP | Gfp.__GFP_HIGHMEM : TARGET_GFP;
  }

  /**
   * Allocates the pageblocks {@code [start, end)} (pageblock-aligned, one zone): on success every
   * pageblock is one allocated order-9 block of the caller's and 0 is returned; else
   * {@code -ENOMEM} (a migration target could not be allocated: {@code alloc_contig_range()} returns
   * {@code __alloc_contig_migrate_range()}'s error) or {@code -EBUSY} (a page left in the range:
   * {@code test_pages_isolated()}, which an {@code -EBUSY} of the migration falls through to), with
   * the pageblocks' migratetypes restored and their free pages back on their lists (blocks split at
   * the range's edges stay split, and pages already migrated out stay where they went, as the
   * kernel's undo leaves them).
   */
  int alloc(int cpu, int start, int end) {
    Zone z = fa.zoneOf(start);
    if ((start & (FrameTable.PB_PAGES - 1)) != 0 || (end & (FrameTable.PB_PAGES - 1)) != 0 || end <= start
        || z == null || !z.contains(end - 1)) {
      throw new IllegalArgumentException("alloc_contig_range: [" + start + ", " + end
          + ") must be whole pageblocks of one zone");
    }
    FrameTable ft = fa.ft;
    int nBlocks = (end - start) / FrameTable.PB_PAGES;
    int[] savedMt = new int[nBlocks];
    splitAcrossEdge(z, start);
    splitAcrossEdge(z, end);
    for (int b = 0; b < nBlocks; b++) {
      int pb = start + b * FrameTable.PB_PAGES;
      savedMt[b] = ft.pbMigratetype(pb);
      int from = fa.freetypeOf(pb);
      ft.setPbMigratetype(pb, MIGRATE_ISOLATE); // set_pageblock_isolate()
      fa.moveFreepagesBlock(z, pb, from, fa.freetypeOf(pb));
    }
    pcp.drainAllPages(fa); // pcp pages of the range go to the isolate lists
    // alloc_migration_target(): outside the range, whose free pages are isolated; the page's sensitivity
    MigratePages.Target target = (src, order, left) ->
        a.allocPages(cpu, order, targetGfp(src, order), fa.sensIndexOf(src));
    int rc = migrateRange(cpu, start, end, target);
    // -EBUSY falls through to test_pages_isolated(), which decides; any other error is returned
    boolean ok = rc != MigratePages.ENOMEM && testPagesIsolated(start, end);
    if (rc != MigratePages.ENOMEM) {
      rc = ok ? 0 : -PageAllocator.EBUSY;
    }
    if (ok) {
      isolateFreepagesRange(z, start, end);
    }
    for (int b = 0; b < nBlocks; b++) { // undo_isolate_page_range()
      int pb = start + b * FrameTable.PB_PAGES;
      int from = fa.freetypeOf(pb);
      ft.setPbMigratetype(pb, savedMt[b]);
      if (!ok) {
        fa.moveFreepagesBlock(z, pb, from, fa.freetypeOf(pb));
      }
    }
    return rc;
  }

  /** {@code free_contig_range()}: gives back pageblocks an {@link #alloc} took. */
  void free(int cpu, int start, int end) {
    for (int pb = start; pb < end; pb += FrameTable.PB_PAGES) {
      fa.ft.requireAllocated(pb, FrameTable.PB_ORDER, "free_contig_range");
      pcp.freeFrozenPages(fa, cpu, pb, FrameTable.PB_ORDER);
    }
  }

  /**
   * {@code isolate_single_pageblock()}'s split: a free block of an order above pageblock order
   * that starts before {@code edge} and reaches past it is split into pageblocks on its own list.
   */
  private void splitAcrossEdge(Zone z, int edge) {
    FrameTable ft = fa.ft;
    for (int o = FrameTable.PB_ORDER + 1; o <= FrameTable.MAX_ORDER; o++) {
      int head = edge & -(1 << o);
      if (head == edge || !z.contains(head)) {
        continue;
      }
      int s = ft.stateOf(head);
      if ((s & FrameTable.WHERE_MASK) == FrameTable.BUDDY && (s & FrameTable.ORDER_MASK) == o) {
        int freetype = fa.freetypeOf(head);
        fa.delFromFreeList(z, head, o, freetype);
        for (int p = head; p < head + (1 << o); p += FrameTable.PB_PAGES) {
          fa.addToFreeList(z, p, FrameTable.PB_ORDER, fa.freetypeOf(p), true);
        }
        return;
      }
    }
  }

  /**
   * {@code __alloc_contig_migrate_range()}: {@code isolate_migratepages_range()} takes the next
   * batch of movable pages and large folios, {@code COMPACT_CLUSTER_MAX} pages
   * ({@code cc->nr_migratepages} counts a folio's pages, so a THP ends its batch), when the last
   * batch left none; otherwise the leftovers are tried again, up to {@link #MAX_TRIES} calls of
   * {@code migrate_pages()} per batch ({@code -EBUSY} after that). {@code -ENOMEM} ends it at once
   * (the rest of the range is not scanned). Returns 0, {@code -ENOMEM} or {@code -EBUSY}; pages
   * not moved stay where they are ({@code putback_movable_pages()}).
   */
  private int migrateRange(int cpu, int start, int end, MigratePages.Target target) {
    int pfn = start;
    int tries = 0;
    int rc = 0;
    int[] list = batch;
    int n = 0;
    while (pfn < end || n > 0) {
      if (n == 0) {
        pfn = isolateMigratepagesRange(cpu, pfn, end);
        list = batch;
        n = nrBatch;
        tries = 0;
        if (n == 0) {
          continue; // migrate_pages() of an empty list: 0
        }
      } else if (++tries == MAX_TRIES) {
        rc = -PageAllocator.EBUSY;
        break;
      }
      if (reclaimClean) {
        n = migrate.reclaimClean(cpu, list, n); // clean page cache dropped, not migrated
      }
      rc = migrate.migrate(cpu, list, n, target); // moved pages freed to the isolate lists
      if (rc == MigratePages.ENOMEM) {
        break;
      }
      n = migrate.nrLeft();
      if (n > 0) {
        if (retry.length < n) {
          retry = new int[migrate.left().length]; // once per split buffer size
        }
        System.arraycopy(migrate.left(), 0, retry, 0, n);
        list = retry;
      }
    }
    return rc < 0 ? rc : 0;
  }

  /**
   * {@code isolate_migratepages_range()} from {@code pfn}: the movable pages and large folios up to
   * {@code end} into {@link #batch} ({@link #nrBatch} of them) until they hold
   * {@code COMPACT_CLUSTER_MAX} pages. Returns the pfn after the last one looked at.
   */
  private int isolateMigratepagesRange(int cpu, int pfn, int end) {
    FrameTable ft = fa.ft;
    int n = 0;
    int nrPages = 0;
    long scanned = 0;
    while (pfn < end && nrPages < Compaction.COMPACT_CLUSTER_MAX) {
      int s = ft.stateOf(pfn);
      scanned++;
      int order = s & FrameTable.ORDER_MASK;
      boolean folio = order > 0 && (s & FrameTable.ALLOC) != 0 && migrate.folioMovable(pfn, s);
      if ((s & FrameTable.WHERE_MASK) == FrameTable.BUDDY || (s & FrameTable.ALLOC) != 0 && order > 0 && !folio) {
        pfn += 1 << order; // a free block, or a compound page the kernel cannot move
        continue;
      }
      if (folio || migrate.movable(pfn, s)) {
        batch[n++] = pfn;
        nrPages += 1 << order;
      }
      pfn += folio ? 1 << order : 1;
    }
    nrBatch = n;
    arch.charge(cpu, scanned * COST_SCAN_PER_PAGE);
    return pfn;
  }

  /** {@code test_pages_isolated()}: every frame of the range lies in a free block on an isolate list. */
  private boolean testPagesIsolated(int start, int end) {
    FrameTable ft = fa.ft;
    for (int pfn = start; pfn < end; ) {
      int s = ft.stateOf(pfn);
      if ((s & FrameTable.WHERE_MASK) != FrameTable.BUDDY
          || fa.freetypeOf(pfn) % FrameTable.MIGRATE_TYPES != MIGRATE_ISOLATE) {
        return false;
      }
      pfn += 1 << (s & FrameTable.ORDER_MASK);
    }
    return true;
  }

  /** {@code isolate_freepages_range()}: the range's free blocks off the lists, one allocated block per pageblock. */
  private void isolateFreepagesRange(Zone z, int start, int end) {
    FrameTable ft = fa.ft;
    for (int pfn = start; pfn < end; ) {
      int s = ft.stateOf(pfn);
      int o = s & FrameTable.ORDER_MASK;
      fa.delFromFreeList(z, pfn, o, fa.freetypeOf(pfn));
      ft.setState(pfn, 0);
      pfn += 1 << o;
    }
    for (int pb = start; pb < end; pb += FrameTable.PB_PAGES) {
      fa.markAllocated(pb, FrameTable.PB_ORDER, MIGRATE_ISOLATE);
    }
  }
}
