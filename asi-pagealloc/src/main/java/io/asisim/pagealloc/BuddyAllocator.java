package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_PCPTYPES;
import static io.asisim.pagealloc.AllocFlags.ALLOC_CMA;
import static io.asisim.pagealloc.AllocFlags.ALLOC_WMARK_MASK;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.PfnRange;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageMigration;
import io.asisim.api.mm.Migratetype;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.PageOrder;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.mm.SensitivityClassifier;
import java.util.List;

/**
 * The zoned buddy allocator of mm/page_alloc.c (Linux 6.18), a facade over the file's sections:
 * <ul>
 *   <li>this facade: {@code __alloc_pages_noprof()} ({@code prepare_alloc_pages()} and the fast
 *       path at the low watermark);</li>
 *   <li>{@link Slowpath}: {@code __alloc_pages_slowpath()}, {@code gfp_to_alloc_flags()}, {@link CompactionHook};</li>
 *   <li>{@link GetPage}: {@code get_page_from_freelist()}, {@code rmqueue()}, {@code rmqueue_buddy()};</li>
 *   <li>{@link Pcp}: the per-CPU lists, alloc ({@code rmqueue_pcplist()}, {@code rmqueue_bulk()})
 *       and free ({@code free_frozen_pages()}, {@code free_pcppages_bulk()}, {@code drain_all_pages()});</li>
 *   <li>{@link Rmqueue}: {@code __rmqueue()} and its {@code rmqueue_mode}; {@link Fallback}: claim, steal;</li>
 *   <li>{@link FreeArea}: {@code __rmqueue_smallest()}, {@code expand()}, {@code __free_one_page()};</li>
 *   <li>{@link Highatomic}: the HIGHATOMIC reserve; {@link Watermarks}: setup and checks.</li>
 * </ul>
 * The ASI dimension is a {@link SensitivityStrategy}: {@link NoSensitivity} (plain buddy) or
 * {@link PageblockSensitivity} (pageblock-migratetype); the unmapped pool installs itself as the
 * strategy of the plain buddy it sits on. Per-request state is one {@link AllocContext}, reset at
 * each entry point and passed down explicitly; the simulation is single-threaded, so one instance
 * per allocator is reused and the hot path allocates nothing.
 *
 * <p>Partly modelled: pcp {@code high} fixed at {@code high_min}; no THP pcp lists; one NUMA node;
 * pageblocks isolated only by {@link ContigRange} (CMA, {@link MemoryHotplug}). Reclaim is the
 * kernel's ({@code allocAfterReclaim}); direct compaction is {@link Compaction} (with migration).
 */
public final class BuddyAllocator implements PageAllocator {
  final FrameTable ft;
  final Zone[] zones;
  /** The free-area core, shared by every section. */
  final FreeArea fa;
  final boolean asi;
  /** {@code memblock.reserved} at handover: frames never given to the free lists. */
  final List<PfnRange> reserved;
  long minFreeKbytes; // min_free_kbytes, recomputed when memory hotplug changes managed pages
  final MemoryHotplug hotplug = new MemoryHotplug(this); // offline_pages(), online_pages()
  Preexisting preexisting; // what a seeded state left allocated by the rest of the system, or null
  java.util.List<Migratetype> seededTypes; // the seeded /proc/pagetypeinfo's migratetype columns, or null

  final ArchPageOps arch;
  /** {@code first_zones_zonelist()} per {@code highest_zoneidx}: the first populated zone at or below it. */
  private final Zone[] preferredZone;
  final BuddyConfig cfg;
  final int nrCpus;
  private final Counter allocRequests;
  private final Counter allocFailures;
  private final Fallback fallback;
  final Highatomic highatomic;
  private final AllocContext ac; // the one per-request context (single-threaded), reset by every entry point
  private boolean kswapdPending; // an allocation woke kswapd since takeKswapdWakeup() last asked
  private boolean noReclaim; // the last request failed in the slow path before direct reclaim

  // Sections that call the strategy or compaction hooks: rebuilt by wire().
  private SensitivityStrategy strategy;
  private CompactionHook compaction = CompactionHook.NONE;
  private CompactionHook wired = CompactionHook.NONE; // the slow path's: compaction, or the Compaction model
  /** The kernel's page migration, once attached (compaction runs only with it), or null. */
  PageMigration migration;
  final Metrics metrics;
  Pcp pcp;
  private final Cma cma; // the CMA area (cma bytes at the top of the highest zone), or null
  private GetPage getPage;
  private Slowpath slowpath;

  /**
   * Builds the allocator; the caller then frees every non-reserved frame
   * ({@link #freeAllBootMemory}) or seeds a state.
   *
   * @param zoneSpans the zones, ascending and contiguous from pfn 0 to {@code arch.nrFrames()}
   */
  public BuddyAllocator(ArchPageOps arch, Metrics metrics, SensitivityClassifier classifier,
      BuddyConfig cfg, List<ZoneSpan> zoneSpans) {
    this(arch, metrics, classifier, cfg, zoneSpans, FrameTable.DENSE_MAX_FRAMES);
  }

  /** With the frame table dense up to {@code denseMaxFrames} (tests pass 0 to run it chunked). */
  BuddyAllocator(ArchPageOps arch, Metrics metrics, SensitivityClassifier classifier,
      BuddyConfig cfg, List<ZoneSpan> zoneSpans, long denseMaxFrames) {
    this.arch = arch;
    this.cfg = cfg;
    this.metrics = metrics;
    this.asi = cfg.asiPageblock();
    this.nrCpus = arch.nrCpus();
    this.ft = new FrameTable(arch.nrFrames(), denseMaxFrames);
    this.reserved = List.copyOf(arch.bootReservation());
    allocRequests = metrics.counter(StandardMetrics.ALLOC_REQUESTS);
    allocFailures = metrics.counter(StandardMetrics.ALLOC_FAILURES);
    Counter allocFallbacks = metrics.counter(StandardMetrics.ALLOC_FALLBACKS);
    SensitivityStrategy s = asi ? new PageblockSensitivity(ft, arch, classifier, metrics) : new NoSensitivity(metrics);
    int nrSens = s.nrSensitivities();
    this.zones = MmInit.freeAreaInit(zoneSpans, arch.nrFrames(), nrSens, nrCpus, reserved);
    Zone[] byIndex = new Zone[Gfp.MAX_NR_ZONES];
    for (Zone z : zones) {
      byIndex[z.index] = z;
    }
    this.fa = new FreeArea(ft, zones, byIndex, nrSens);
    this.preferredZone = new Zone[byIndex.length];
    for (int i = 0; i < byIndex.length; i++) {
      preferredZone[i] = fa.preferredZone(i);
    }
    this.ac = new AllocContext(fa);
    this.fallback = new Fallback(fa, arch, cfg.costFallback(), cfg.watermarkBoostFactor(), allocFallbacks,
        metrics.counter(StandardMetrics.ALLOC_FALLBACK_CLAIMS));
    this.highatomic = new Highatomic(fa);
    wire(s, CompactionHook.NONE);
    fa.hasCma = cfg.cmaPageblocks() > 0;
    MmInit.memmapInitRange(ft, zones, cfg, reserved);
    this.cma = Cma.area(zones, cfg, metrics);
    minFreeKbytes = Watermarks.setup(zones, byIndex, cfg, nrCpus);
  }

  /**
   * Builds the sections that call the strategy and compaction hooks: {@code c}, or with
   * {@link CompactionHook#NONE} and page migration attached, the {@link Compaction} model.
   */
  private void wire(SensitivityStrategy s, CompactionHook c) {
    this.strategy = s;
    this.compaction = c;
    Rmqueue rmqueue = new Rmqueue(fallback, s);
    this.pcp = new Pcp(rmqueue, arch, cfg, nrCpus);
    this.getPage = new GetPage(pcp, rmqueue, highatomic, s, arch, cfg.costBuddy());
    CompactionHook hook = c == CompactionHook.NONE && migration != null && cfg.compaction()
        ? new Compaction(fa, pcp, arch, migration, preexisting, metrics, cfg.compactionProactiveness()) : c;
    this.slowpath = new Slowpath(getPage, pcp, highatomic, s, hook);
    this.wired = hook;
  }

  /**
   * Installs the sensitivity strategy of a wrapper over this plain buddy, once and before the first
   * allocation, for a strategy that needs the allocator to exist first (the unmapped pool refills
   * from it). It must keep the same number of
   * sensitivities, since the zones' lists are sized by it.
   */
  void useStrategy(SensitivityStrategy s) {
    if (!(strategy instanceof NoSensitivity) || allocRequests.get() > 0) {
      // one strategy per boot: a second install would orphan the first one's pages
      throw new IllegalStateException("the sensitivity strategy is installed once, at boot, over a plain buddy");
    }
    if (s.nrSensitivities() != fa.nrSens) {
      throw new IllegalArgumentException("strategy has " + s.nrSensitivities() + " sensitivities, lists have " + fa.nrSens);
    }
    wire(s, compaction);
  }

  /** Installs a direct-compaction hook of a test ({@code __alloc_pages_direct_compact()}). */
  void useCompaction(CompactionHook c) {
    wire(strategy, c);
  }

  /** Compaction migrates through {@code m} from now on (unless the config turns compaction off). */
  @Override
  public void attachMigration(PageMigration m) {
    if (migration != null) {
      throw new IllegalStateException("page migration is attached once");
    }
    this.migration = m;
    wire(strategy, compaction);
  }

  /** {@code memblock_free_all()} ({@link MmInit#memblockFreeAll}), by the factory unless a state is seeded. */
  void freeAllBootMemory() {
    MmInit.memblockFreeAll(this);
  }

  @Override
  public long alloc(int cpu, int order, int gfpMask) {
    allocRequests.inc();
    // one class of lists: index 0 without asking the strategy (SensitivityStrategy#requestIndex)
    int sens = fa.nrSens > 1 ? strategy.requestIndex(gfpMask) : 0;
    int pfn = order >= 0 && order <= FrameTable.MAX_ORDER ? firstZoneHit(cpu, order, gfpMask, sens) : -1;
    if (pfn >= 0) {
      return pfn;
    }
    AllocContext c = ac.reset(cpu, gfpMask, sens);
    return outcome(c, allocPagesNoprof(order, c));
  }

  /** The request's block, or {@link #NO_PAGE} once the strategy and the failure counter know. */
  private long outcome(AllocContext c, int pfn) {
    if (pfn >= 0) {
      return pfn;
    }
    strategy.allocFailed(c);
    allocFailures.inc();
    return NO_PAGE;
  }

  /**
   * The common case of {@code get_page_from_freelist()}'s first pass, before the request context
   * is built: the preferred zone is above its low watermark and the request's pcp list holds a
   * page ({@link Pcp#rmqueuePcplistHit}), or, above PAGE_ALLOC_COSTLY_ORDER in a zone without CMA,
   * {@code __rmqueue_smallest()} finds a block of the request's freetype
   * ({@link GetPage#rmqueueBuddyHit}). It changes nothing unless it allocates, so on -1 the full
   * path runs as if it had not been tried; its rules are the full path's, and it exists for speed
   * (docs/architecture.md, "The allocator's fast path").
   */
  private int firstZoneHit(int cpu, int order, int gfp, int sens) {
    int highest = Gfp.gfpZone(gfp);
    Zone z = preferredZone[highest];
    int mt = Gfp.gfpMigratetype(gfp);
    if (z == null || mt >= MIGRATE_PCPTYPES) {
      return -1;
    }
    int flags = AllocFlags.firstAttempt(gfp, mt, z, fa);
    if (!Watermarks.zoneWatermarkFast(z, order, Watermarks.wmark(z, flags & ALLOC_WMARK_MASK), highest, flags,
        fa.hasCma, fa.nrSens)) {
      return -1;
    }
    if (order <= PageOrder.PAGE_ALLOC_COSTLY_ORDER) {
      return pcp.rmqueuePcplistHit(fa.ft, z, cpu, order, mt, sens);
    }
    return fa.hasCma ? -1 : getPage.rmqueueBuddyHit(fa, z, cpu, order, mt, sens);
  }

  /** The retry after the caller's direct reclaim: the slow path compacts at SYNC_LIGHT ({@link Slowpath}). */
  @Override
  public long allocAfterReclaim(int cpu, int order, int gfpMask) {
    allocRequests.inc();
    int sens = fa.nrSens > 1 ? strategy.requestIndex(gfpMask) : 0;
    AllocContext c = ac.reset(cpu, gfpMask, sens);
    c.afterReclaim = true;
    return outcome(c, allocPagesNoprof(order, c));
  }

  @Override
  public void free(int cpu, long pfn, int order) {
    pcp.freeFrozenPages(fa, cpu, fa.ft.requireAllocated(pfn, order, "block"), order);
  }

  /**
   * A seeded frame block ({@link Preexisting#take}) becomes one allocated block of {@code order}
   * (head state as {@code prep_new_page()} leaves it, tails clear) and is freed as any other.
   */
  @Override
  public long freePreexisting(int cpu, int order) {
    int pfn = preexisting == null || order < 0 || order > FrameTable.MAX_ORDER ? -1 : preexisting.take(order, ft);
    if (pfn < 0) {
      return -1;
    }
    for (int p = pfn + 1; p < pfn + (1 << order); p++) {
      ft.setState(p, 0);
    }
    ft.setState(pfn, FreeArea.allocatedState(order, ft.pbMigratetype(pfn)));
    free(cpu, pfn, order);
    return pfn;
  }

  @Override
  public Sensitivity sensitivity(long pfn) {
    return strategy.sensitivity(pfn);
  }

  @Override
  public boolean anySensitive(long pfn, long n) {
    return strategy.anySensitive(pfn, n);
  }

  @Override
  public long sensitivityChanges() {
    return strategy.sensitivityChanges();
  }

  @Override
  public long freePages() {
    return fa.nrFreePages();
  }

  @Override
  public String checkConsistency() {
    return new ConsistencyChecker(this).check();
  }

  /** Every frame-state and pageblock-flag write goes through {@link FrameTable}, which logs it. */
  @Override
  public boolean logChanges(ChangeLog log) {
    ft.logChanges(log);
    return true;
  }

  private LocalConsistencyChecker localChecker;

  @Override
  public String checkConsistency(ChangeLog changed) {
    if (localChecker == null) {
      localChecker = new LocalConsistencyChecker(this); // once: the checker runs after every op
    }
    return localChecker.check(changed);
  }

  @Override
  public boolean takeKswapdWakeup() {
    boolean w = kswapdPending;
    kswapdPending = false;
    return w;
  }

  @Override
  public boolean takeNoReclaim() {
    boolean r = noReclaim;
    noReclaim = false;
    return r;
  }

  @Override
  public long reclaimWatermark() {
    return Watermarks.highSum(zones);
  }

  @Override
  public long freePagesInBlocks(int minOrder) {
    return fa.freePagesInBlocks(minOrder);
  }

  @Override
  public long cmaAlloc(int cpu, int nrPageblocks) {
    return cma == null ? -1 : cma.alloc(cpu, nrPageblocks, new ContigRange(this));
  }

  @Override
  public void cmaRelease(int cpu, long pfn, int nrPageblocks) {
    java.util.Objects.requireNonNull(cma, "cma_release: no CMA area (cma=0)").release(cpu, pfn, nrPageblocks,
        new ContigRange(this));
  }

  @Override
  public int offlinePages(int cpu, long startPfn, long nrPages) {
    return hotplug.offlinePages(cpu, startPfn, nrPages);
  }

  @Override
  public int onlinePages(int cpu, long startPfn, long nrPages) {
    return hotplug.onlinePages(cpu, startPfn, nrPages);
  }

  @Override
  public boolean compactionWouldGoAhead(int order, int highestZoneIdx) {
    return wired.wouldGoAhead(order, highestZoneIdx);
  }

  @Override
  public boolean pgdatBalanced(int highestZoneIdx) {
    return Watermarks.pgdatBalanced(fa, 0, highestZoneIdx);
  }

  @Override
  public boolean pgdatBalanced(int order, int highestZoneIdx) {
    return Watermarks.pgdatBalanced(fa, order, highestZoneIdx);
  }

  @Override
  public boolean kcompactdSuitable(int order, int highestZoneIdx) {
    return wired.kcompactdSuitable(order, highestZoneIdx);
  }

  @Override
  public void kcompactd(int cpu, int order, int highestZoneIdx, int gfp) {
    wired.kcompactd(cpu, order, highestZoneIdx, fa.nrSens > 1 ? strategy.requestIndex(gfp) : 0);
  }

  /** {@code split_page()}: the allocated block becomes {@code 1 << order} allocated order-0 pages. */
  @Override
  public boolean splitPage(int cpu, long pfn, int order) {
    return fa.splitAllocated(ft.requireAllocated(pfn, order, "split_page"), order);
  }

  @Override
  public int compactionProactiveness() {
    return wired instanceof Compaction ? cfg.compactionProactiveness() : 0;
  }

  @Override
  public int proactiveCompact(int cpu) {
    return wired.proactiveCompact(cpu);
  }

  @Override
  public void resetWatermarkBoost() {
    Watermarks.resetBoosts(zones);
  }

  @Override
  public boolean pgdatWatermarkBoosted(int highestZoneIdx) {
    return Watermarks.pgdatWatermarkBoosted(fa, highestZoneIdx);
  }

  // ---- package-private entry points for the unmapped pool, the seeding and /proc ----

  /** {@code __alloc_pages_noprof()} for sensitivity index {@code sens}, uncounted (the pool's refill); pfn or -1. */
  int allocPages(int cpu, int order, int gfp, int sens) {
    return allocPagesNoprof(order, ac.reset(cpu, gfp, sens));
  }

  /** {@code __alloc_pages_noprof()} on a context already {@link AllocContext#reset}. Returns the pfn or -1. */
  private int allocPagesNoprof(int order, AllocContext ac) {
    if (order < 0 || order > FrameTable.MAX_ORDER) {
      throw new IllegalArgumentException("order " + order + " out of range 0.." + FrameTable.MAX_ORDER);
    }
    int gfp = ac.gfp;
    FreeArea fa = ac.fa;
    // prepare_alloc_pages()
    ac.highestZoneIdx = Gfp.gfpZone(gfp);
    Zone preferred = preferredZone[ac.highestZoneIdx];
    if (preferred == null) {
      return -1;
    }
    int mt = Gfp.gfpMigratetype(gfp);
    if (mt >= MIGRATE_PCPTYPES) {
      mt = MIGRATE_MOVABLE; // VM_WARN_ON in gfp_migratetype(): both mobility bits set
    }
    ac.migratetype = mt;
    int cma = mt == MIGRATE_MOVABLE ? ALLOC_CMA : 0; // gfp_to_alloc_flags_cma()
    int flags = AllocFlags.firstAttempt(gfp, mt, preferred, fa);
    int pfn = getPage.getPageFromFreelist(order, flags, ac);
    if (pfn < 0) {
      pfn = slowpath.slowpath(order, cma, ac);
    }
    kswapdPending |= ac.wokeKswapd; // wake_all_kswapds(), or a boosted watermark in rmqueue()
    noReclaim = pfn < 0 && ac.noReclaim;
    return pfn;
  }

  /** {@code free_frozen_pages()} of a block known to be allocated. */
  void freePages(int cpu, int pfn, int order) {
    pcp.freeFrozenPages(fa, cpu, pfn, order);
  }

  /** {@code drain_all_pages()}: every CPU's pcp pages back to the buddy lists; blocks freed. */
  int drainAllPages() {
    return pcp.drainAllPages(fa);
  }
}
