package io.asisim.pagealloc;

import io.asisim.api.machine.ChangeLog;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.mm.SensitivityClassifier;

/**
 * The {@code unmapped-pool} strategy: a plain {@link BuddyAllocator} for one sensitivity class
 * and an {@link UnmappedPool} for the other. A request goes to the pool when it carries
 * {@code __GFP_UNMAPPED} or the classifier puts it in the pooled class. With the sensitive class
 * pooled, all memory starts mapped in the restricted direct map (nonsensitive) and pool refills
 * unmap it; with the nonsensitive class pooled, the restricted map starts empty and refills map.
 */
public final class UnmappedPoolAllocator implements PageAllocator {
  private final BuddyAllocator main;
  private final UnmappedPool pool;
  private final SensitivityClassifier classifier;
  private final Sensitivity pooled;
  private final Counter allocRequests;
  private final Counter allocFailures;

  UnmappedPoolAllocator(BuddyAllocator main, Metrics metrics, SensitivityClassifier classifier,
      Sensitivity pooled, boolean unmapDirect, int shrinkMinOrder, int shrinkBatch) {
    this.main = main;
    this.classifier = classifier;
    this.pooled = pooled;
    this.pool = new UnmappedPool(main, metrics, pooled, unmapDirect, shrinkMinOrder, shrinkBatch,
        main.cfg.costBuddy());
    this.allocRequests = metrics.counter(StandardMetrics.ALLOC_REQUESTS);
    this.allocFailures = metrics.counter(StandardMetrics.ALLOC_FAILURES);
    if (pooled == Sensitivity.SENSITIVE) {
      // Everything outside the pool is nonsensitive: map all memory in the restricted direct map.
      if (!main.arch.setRestrictedMapped(0, 0, main.ft.nrFrames, true)) {
        throw new IllegalStateException("cannot map memory in the restricted direct map at boot");
      }
    }
    main.useStrategy(pool);
  }

  @Override
  public long alloc(int cpu, int order, int gfpMask) {
    if ((gfpMask & Gfp.__GFP_UNMAPPED) != 0 || classifier.classify(gfpMask) == pooled) {
      allocRequests.inc();
      int pfn = pool.alloc(cpu, order, gfpMask);
      if (pfn < 0) {
        allocFailures.inc();
        return NO_PAGE;
      }
      return pfn;
    }
    return main.alloc(cpu, order, gfpMask);
  }

  /** A pooled request is served by the pool as {@link #alloc} serves it; the others retry in the main allocator. */
  @Override
  public long allocAfterReclaim(int cpu, int order, int gfpMask) {
    if ((gfpMask & Gfp.__GFP_UNMAPPED) != 0 || classifier.classify(gfpMask) == pooled) {
      return alloc(cpu, order, gfpMask);
    }
    return main.allocAfterReclaim(cpu, order, gfpMask);
  }

  /** The main allocator's buddy lists (the pool's free pages are not on them). */
  @Override
  public long freePagesInBlocks(int minOrder) {
    return main.freePagesInBlocks(minOrder);
  }

  /** The main allocator's zones: the pool's free pages are not free there. */
  @Override
  public boolean pgdatBalanced(int highestZoneIdx) {
    return main.pgdatBalanced(highestZoneIdx);
  }

  /** The main allocator compacts; pool pages are handed out unmovable and never migrated. */
  @Override
  public void attachMigration(io.asisim.api.mm.PageMigration migration) {
    main.attachMigration(migration);
  }

  @Override
  public void free(int cpu, long pfn, int order) {
    if (pfn >= 0 && pfn < main.ft.nrFrames && pool.contains((int) pfn)) {
      pool.free(cpu, main.ft.requireAllocated(pfn, order, "pool block"), order);
      return;
    }
    main.free(cpu, pfn, order);
  }

  /** Seeded frames belong to the main allocator: the pool starts empty and holds none. */
  @Override
  public long freePreexisting(int cpu, int order) {
    return main.freePreexisting(cpu, order);
  }

  @Override
  public Sensitivity sensitivity(long pfn) {
    return pool.sensitivity(pfn);
  }

  @Override
  public boolean anySensitive(long pfn, long n) {
    return pool.anySensitive(pfn, n);
  }

  @Override
  public long sensitivityChanges() {
    return pool.sensitivityChanges();
  }

  @Override
  public long freePages() {
    return main.freePages() + pool.freePages();
  }

  /** The main allocator's: the pool's pages were allocated from the zones and are not free there. */
  @Override
  public long zoneFreePages() {
    return main.freePages();
  }

  @Override
  public String checkConsistency() {
    String r = main.checkConsistency();
    return r != null ? r : pool.check();
  }

  /** The pool shares the main allocator's frame table, and logs its membership bitmap there. */
  @Override
  public boolean logChanges(ChangeLog log) {
    return main.logChanges(log);
  }

  @Override
  public String checkConsistency(ChangeLog changed) {
    String r = main.checkConsistency(changed);
    return r != null ? r : pool.checkChanged(changed);
  }

  @Override
  public void finish() {
    pool.finish();
  }

  /** The main allocator (for /proc rendering). */
  BuddyAllocator main() {
    return main;
  }

  /** The pool (for /proc rendering and tests). */
  UnmappedPool pool() {
    return pool;
  }

  @Override
  public long reclaimWatermark() {
    return main.reclaimWatermark();
  }

  @Override
  public void resetWatermarkBoost() {
    main.resetWatermarkBoost();
  }

  @Override
  public boolean pgdatWatermarkBoosted(int highestZoneIdx) {
    return main.pgdatWatermarkBoosted(highestZoneIdx);
  }

  @Override
  public boolean takeKswapdWakeup() {
    return main.takeKswapdWakeup(); // pool refills allocate from the main buddy too
  }

  @Override
  public boolean takeNoReclaim() {
    return main.takeNoReclaim();
  }

  /** The main allocator's zones decide (the pool's free pages are not in them). */
  @Override
  public boolean compactionWouldGoAhead(int order, int highestZoneIdx) {
    return main.compactionWouldGoAhead(order, highestZoneIdx);
  }

  /** The CMA area is the main allocator's; a pool block in it (free or handed out) cannot move, so its run is busy. */
  @Override
  public long cmaAlloc(int cpu, int nrPageblocks) {
    return main.cmaAlloc(cpu, nrPageblocks);
  }

  @Override
  public void cmaRelease(int cpu, long pfn, int nrPageblocks) {
    main.cmaRelease(cpu, pfn, nrPageblocks);
  }

  /** The pool's pages are unmovable to the buddy's migration: a block holding one is busy. */
  @Override
  public int offlinePages(int cpu, long startPfn, long nrPages) {
    return main.offlinePages(cpu, startPfn, nrPages);
  }

  /**
   * {@code online_pages()} of the buddy, then, with a sensitive pool, the block enters the
   * restricted direct map: memory outside that pool is nonsensitive here, as all of it is at boot.
   */
  @Override
  public int onlinePages(int cpu, long startPfn, long nrPages) {
    int rc = main.onlinePages(cpu, startPfn, nrPages);
    if (rc == 0 && pool.pooled() == Sensitivity.SENSITIVE && !main.arch.setRestrictedMapped(cpu, startPfn, nrPages, true)) {
      throw new IllegalStateException("online_pages(): no page for a restricted page table");
    }
    return rc;
  }

  @Override
  public boolean pgdatBalanced(int order, int highestZoneIdx) {
    return main.pgdatBalanced(order, highestZoneIdx);
  }

  @Override
  public boolean kcompactdSuitable(int order, int highestZoneIdx) {
    return main.kcompactdSuitable(order, highestZoneIdx);
  }

  /** {@code unmapped_alloc_shrink_scan()} from every reclaim round, as a registered shrinker runs. */
  @Override
  public void shrinkSlab(int cpu) {
    pool.shrink(cpu);
  }

  /** kcompactd compacts the main allocator's zones; for a pooled request it makes blocks the pool may refill from. */
  @Override
  public void kcompactd(int cpu, int order, int highestZoneIdx, int gfp) {
    main.kcompactd(cpu, order, highestZoneIdx, gfp);
  }

  /** Pool and buddy blocks alike: the frame table is shared, and either frees order-0 pages. */
  @Override
  public boolean splitPage(int cpu, long pfn, int order) {
    return main.splitPage(cpu, pfn, order);
  }

  @Override
  public int compactionProactiveness() {
    return main.compactionProactiveness();
  }

  /** Proactive compaction of the main allocator's zones: the pool's blocks are unmovable there. */
  @Override
  public int proactiveCompact(int cpu) {
    return main.proactiveCompact(cpu);
  }
}
