package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_CMA;
import static io.asisim.api.mm.Migratetype.MIGRATE_HIGHATOMIC;
import static io.asisim.api.mm.Migratetype.MIGRATE_ISOLATE;
import static io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_PCPTYPES;
import static io.asisim.api.mm.Migratetype.MIGRATE_RECLAIMABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_UNMOVABLE;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Migratetype;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.PageOrder;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.mm.SensitivityClassifier;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zoned buddy allocator of mm/page_alloc.c (Linux 6.18), optionally with the sensitivity
 * dimension of Brendan Jackman's ASI series ("mm: ASI direct map management", Sept 2025).
 *
 * <p>What is modelled, by kernel function:
 * <ul>
 *   <li>{@code __alloc_pages_noprof()}/{@code get_page_from_freelist()}: zonelist walk from the
 *       preferred zone down, {@code zone_watermark_fast()}/{@code __zone_watermark_ok()} with
 *       {@code lowmem_reserve}, {@code ALLOC_NOFRAGMENT} on the first pass when DMA32 exists
 *       ({@code alloc_flags_nofragment()}), and {@code reserve_highatomic_pageblock()} after an
 *       {@code ALLOC_HIGHATOMIC} success ({@link #alloc});</li>
 *   <li>the slow path as far as it does not depend on reclaim: {@code gfp_to_alloc_flags()}
 *       (min watermark, {@code ALLOC_NON_BLOCK}, {@code ALLOC_HIGHATOMIC},
 *       {@code ALLOC_MIN_RESERVE}), {@code __GFP_MEMALLOC}, and for blocking requests the
 *       "reclaim made no progress" steps {@code unreserve_highatomic_pageblock()} +
 *       {@code drain_all_pages()} and then the forced unreserve. <b>Reclaim and compaction are
 *       not modelled</b>: when those fail the allocation fails ({@code alloc_failures});</li>
 *   <li>{@code rmqueue()}, {@code rmqueue_pcplist()}, {@code rmqueue_bulk()},
 *       {@code nr_pcp_alloc()}, {@code rmqueue_buddy()}, {@code __rmqueue()} with its
 *       {@code rmqueue_mode}, {@code __rmqueue_smallest()}, {@code expand()},
 *       {@code __rmqueue_claim()}, {@code find_suitable_fallback()},
 *       {@code should_try_claim_block()}, {@code try_to_claim_block()},
 *       {@code prep_move_freepages_block()}, {@code __move_freepages_block()},
 *       {@code __rmqueue_steal()}, {@code __rmqueue_cma_fallback()};</li>
 *   <li>{@code free_frozen_page_commit()} (pcp free with {@code free_count}), {@code nr_pcp_free()},
 *       {@code free_pcppages_bulk()}, {@code free_one_page()}, {@code __free_one_page()} with
 *       {@code buddy_merge_likely()} and the merge rule above pageblock order;</li>
 *   <li>{@code __setup_per_zone_wmarks()}, {@code calculate_min_free_kbytes()},
 *       {@code set_recommended_min_free_kbytes()}, {@code setup_per_zone_lowmem_reserve()},
 *       {@code zone_batchsize()}, {@code zone_highsize()} (see {@link Watermarks}).</li>
 * </ul>
 * Partly modelled: pcp {@code high} is fixed at {@code high_min} (no auto-tuning between
 * {@code high_min} and {@code high_max}, no {@code alloc_factor} doubling, no
 * {@code free_high} for high-order frees); no THP pcp lists for order 9; no watermark boosting;
 * one NUMA node; pages are never isolated (the {@code Isolate} type exists for seeded states).
 *
 * <p>The ASI dimension ({@code asiPageblock}) follows "mm/asi: encode sensitivity in freetypes
 * and pageblocks": a freetype is {@code MIGRATE_TYPES * sensitive + migratetype}, free and pcp
 * lists are doubled, {@code can_merge_freetypes()} forbids merging across sensitivity, and a free
 * page's sensitivity is its pageblock's {@code PB_nonsensitive} bit (0, sensitive, at boot). When
 * {@code __rmqueue()} finds nothing of the requested sensitivity, a blocking request flips a free
 * block of at least pageblock order of the other sensitivity ({@link #flipFreeBlock}); a
 * non-blocking request may not (the TLB shootdown needs IRQs on) and fails over to the next zone.
 */
public final class BuddyAllocator implements PageAllocator {
  private static final Logger LOG = LoggerFactory.getLogger(BuddyAllocator.class);
  // ---- alloc_flags (mm/internal.h) ----
  static final int ALLOC_WMARK_MIN = 0;
  static final int ALLOC_WMARK_LOW = 1;
  static final int ALLOC_WMARK_HIGH = 2;
  static final int ALLOC_WMARK_MASK = 3;
  static final int ALLOC_NO_WATERMARKS = 0x04;
  static final int ALLOC_OOM = 0x08;
  static final int ALLOC_NON_BLOCK = 0x10;
  static final int ALLOC_MIN_RESERVE = 0x20;
  static final int ALLOC_CMA = 0x80;
  static final int ALLOC_NOFRAGMENT = 0x100;
  static final int ALLOC_HIGHATOMIC = 0x200;
  static final int ALLOC_KSWAPD = 0x800;
  static final int ALLOC_RESERVES = ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM;


  /** {@code fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1]} of mm/page_alloc.c. */
  static final int[][] FALLBACKS = {
    {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE}, // UNMOVABLE
    {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE}, // MOVABLE
    {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE}, // RECLAIMABLE
  };

  /** {@code CONFIG_PCP_BATCH_SCALE_MAX} default. */
  static final int PCP_BATCH_SCALE_MAX = 5;

  // rmqueue_mode
  private static final int RMQUEUE_NORMAL = 0;
  private static final int RMQUEUE_CMA = 1;
  private static final int RMQUEUE_CLAIM = 2;
  private static final int RMQUEUE_STEAL = 3;

  /** Extra metric: non-blocking requests that found nothing of their sensitivity and may not flip. */
  public static final MetricDescriptor ASI_FLIPS_REFUSED_NONBLOCKING = new MetricDescriptor(
      "asi_flips_refused_nonblocking", "count", io.asisim.api.metrics.Better.LOWER,
      "non-blocking allocations that needed a pageblock flip and were refused (RFC: flips need IRQs on)");
  /** Extra metric: atomic requests whose sensitivity had no HIGHATOMIC reserve while the other had. */
  public static final MetricDescriptor ASI_HIGHATOMIC_SENSITIVITY_MISSES = new MetricDescriptor(
      "asi_highatomic_sensitivity_misses", "count", io.asisim.api.metrics.Better.LOWER,
      "HIGHATOMIC reserve present only in the other sensitivity's free lists (left open by the RFC)");
  /** Extra metric: CMA pageblocks flipped (the RFC does not say whether CMA blocks may flip). */
  public static final MetricDescriptor ASI_CMA_FLIPS = new MetricDescriptor(
      "asi_cma_pageblock_flips", "count", io.asisim.api.metrics.Better.NEITHER,
      "CMA pageblocks whose sensitivity flipped (left open by the RFC)");

  final FrameTable ft;
  final Zone[] zones;
  /** Zone by {@code ZONE_*} index, null when not populated. */
  private final Zone[] byIndex = new Zone[3];
  private final ArchPageOps arch;
  private final SensitivityClassifier classifier;
  private final BuddyConfig cfg;
  final boolean asi;
  private final int nrSens;
  private final int nrFreetypes;
  private final int nrCpus;
  final long reservedFrames;
  final long minFreeKbytes;
  /** Whether any pageblock is MIGRATE_CMA (configured or seeded). */
  boolean hasCma;
  /** The migratetype columns of the /proc/pagetypeinfo this state was seeded from, or null. */
  java.util.List<Migratetype> seededTypes;

  private final Counter allocRequests;
  private final Counter allocFailures;
  private final Counter allocFallbacks;
  private final Counter flipsToSensitive;
  private final Counter flipsToNonsensitive;
  private final Counter flipsRefused;
  private final Counter highatomicMisses;
  private final Counter cmaFlips;

  /** Per-request state (single-threaded): the gfp and cpu of the request in progress. */
  private int curGfp;
  private int curCpu;
  private int rmqueueMode;
  /** Whether the request in progress was refused a flip because it may not block. */
  private boolean flipRefused;
  /** Hook run when the fast path fails (kswapd would be woken): the unmapped pool's shrinker. */
  private java.util.function.IntConsumer slowpathHook;

  /**
   * Builds the allocator and frees every non-reserved frame ({@code memblock_free_all()}).
   *
   * @param zoneSpans the zones, ascending and contiguous from pfn 0 to {@code arch.nrFrames()}
   */
  public BuddyAllocator(ArchPageOps arch, Metrics metrics, SensitivityClassifier classifier,
      BuddyConfig cfg, List<ZoneSpan> zoneSpans) {
    this.arch = arch;
    this.classifier = classifier;
    this.cfg = cfg;
    this.asi = cfg.asiPageblock();
    this.nrSens = asi ? 2 : 1;
    this.nrFreetypes = FrameTable.MIGRATE_TYPES * nrSens;
    this.nrCpus = arch.nrCpus();
    this.ft = new FrameTable(arch.nrFrames());
    this.reservedFrames = arch.bootReservedFrames();
    this.zones = new Zone[zoneSpans.size()];
    long expect = 0;
    for (int i = 0; i < zones.length; i++) {
      ZoneSpan s = zoneSpans.get(i);
      if (s.startPfn() != expect) {
        throw new IllegalArgumentException("zones must be contiguous from pfn 0: " + zoneSpans);
      }
      expect = s.endPfn();
      zones[i] = new Zone(s.index(), s.name(), (int) s.startPfn(), (int) s.endPfn(), nrFreetypes, nrSens, nrCpus);
      zones[i].managedPages = s.pages() - Math.max(0, Math.min(s.endPfn(), reservedFrames) - s.startPfn());
      byIndex[s.index()] = zones[i];
    }
    if (expect != arch.nrFrames()) {
      throw new IllegalArgumentException("zones cover " + expect + " frames but the machine has " + arch.nrFrames());
    }
    allocRequests = metrics.counter(StandardMetrics.ALLOC_REQUESTS);
    allocFailures = metrics.counter(StandardMetrics.ALLOC_FAILURES);
    allocFallbacks = metrics.counter(StandardMetrics.ALLOC_FALLBACKS);
    flipsToSensitive = metrics.counter(StandardMetrics.PAGEBLOCK_FLIPS_TO_SENSITIVE);
    flipsToNonsensitive = metrics.counter(StandardMetrics.PAGEBLOCK_FLIPS_TO_NONSENSITIVE);
    flipsRefused = asi ? metrics.counter(ASI_FLIPS_REFUSED_NONBLOCKING) : new Metrics().counter(ASI_FLIPS_REFUSED_NONBLOCKING);
    highatomicMisses = asi ? metrics.counter(ASI_HIGHATOMIC_SENSITIVITY_MISSES) : new Metrics().counter(ASI_HIGHATOMIC_SENSITIVITY_MISSES);
    cmaFlips = asi ? metrics.counter(ASI_CMA_FLIPS) : new Metrics().counter(ASI_CMA_FLIPS);

    hasCma = cfg.cmaPageblocks() > 0;
    initPageblocks();
    minFreeKbytes = Watermarks.setup(zones, byIndex, cfg, nrCpus);
    if (LOG.isDebugEnabled()) {
      for (Zone z : zones) {
        LOG.debug("zone {} pfn {}..{} managed {} min/low/high {}/{}/{} pcp batch {} high {} (min_free_kbytes {})",
            z.name, z.startPfn, z.endPfn, z.managedPages, z.wmarkMin, z.wmarkLow, z.wmarkHigh, z.pcpBatch,
            z.pcpHigh, minFreeKbytes);
      }
    }
  }

  /** {@code memmap_init_range()}: every pageblock MIGRATE_MOVABLE (sensitive under ASI), CMA on top. */
  private void initPageblocks() {
    for (int i = 0; i < ft.pageblock.length; i++) {
      ft.pageblock[i] = MIGRATE_MOVABLE;
    }
    if (cfg.cmaPageblocks() > 0) {
      Zone top = zones[zones.length - 1];
      int first = top.endPfn - cfg.cmaPageblocks() * FrameTable.PB_PAGES;
      if (first < Math.max(top.startPfn, reservedFrames)) {
        throw new IllegalArgumentException("CMA area larger than the highest zone");
      }
      for (int p = first; p < top.endPfn; p += FrameTable.PB_PAGES) {
        ft.setPbMigratetype(p, MIGRATE_CMA);
      }
    }
  }

  /**
   * {@code memblock_free_all()}: frees every managed frame in maximal aligned blocks to the tail
   * of its list ({@code __free_pages_core()} with {@code FPI_TO_TAIL}). Called by the factory
   * unless an initial state is seeded instead.
   */
  void freeAllBootMemory() {
    for (Zone z : zones) {
      int pfn = (int) Math.max(z.startPfn, reservedFrames);
      while (pfn < z.endPfn) {
        int order = Math.min(FrameTable.MAX_ORDER, Integer.numberOfTrailingZeros(pfn == 0 ? 1 << 30 : pfn));
        while (pfn + (1 << order) > z.endPfn) {
          order--;
        }
        // A CMA/normal boundary inside an order-10 block: keep blocks within one migratetype.
        while (order > FrameTable.PB_ORDER && ft.pbMigratetype(pfn) != ft.pbMigratetype(pfn + (1 << order) - 1)) {
          order--;
        }
        freeOnePage(z, pfn, order, freetypeOf(pfn), true);
        pfn += 1 << order;
      }
    }
  }

  // ======================================================================================
  // Public API
  // ======================================================================================

  @Override
  public long alloc(int cpu, int order, int gfpMask) {
    allocRequests.inc();
    int pfn = allocPages(cpu, order, gfpMask, sensIndex(gfpMask));
    if (pfn < 0) {
      if (flipRefused) {
        flipsRefused.inc();
      }
      allocFailures.inc();
      return NO_PAGE;
    }
    return pfn;
  }

  @Override
  public void free(int cpu, long pfn, int order) {
    freePages(cpu, checkAllocated(pfn, order), order);
  }

  @Override
  public Sensitivity sensitivity(long pfn) {
    if (!asi) {
      return Sensitivity.SENSITIVE;
    }
    return ft.pbNonsensitive((int) pfn) ? Sensitivity.NONSENSITIVE : Sensitivity.SENSITIVE;
  }

  @Override
  public long freePages() {
    long n = 0;
    for (Zone z : zones) {
      n += z.freePages;
      for (int c = 0; c < nrCpus; c++) {
        n += z.pcpCount[c];
      }
      // NR_FREE_PAGES leaves isolated pages out; they are free all the same.
      for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
        for (int s = 0; s < nrSens; s++) {
          n += (long) z.listLen[z.list(o, MIGRATE_ISOLATE + s * FrameTable.MIGRATE_TYPES)] << o;
        }
      }
    }
    return n;
  }

  @Override
  public String checkConsistency() {
    return new ConsistencyChecker(this).check();
  }

  /** The sensitivity classifier this allocator consults. */
  SensitivityClassifier classifier() {
    return classifier;
  }

  /** Installs the hook run when a request leaves the fast path (kswapd wake-up point). */
  void setSlowpathHook(java.util.function.IntConsumer hook) {
    this.slowpathHook = hook;
  }

  int nrSensitivities() {
    return nrSens;
  }

  int nrCpus() {
    return nrCpus;
  }

  ArchPageOps arch() {
    return arch;
  }

  // ======================================================================================
  // Allocation (package-private entry points used by the strategies)
  // ======================================================================================

  int sensIndex(int gfpMask) {
    if (!asi) {
      return 0;
    }
    return classifier.classify(gfpMask) == Sensitivity.SENSITIVE ? 1 : 0;
  }

  /** {@code __alloc_pages_noprof()} without the request counters. Returns the pfn or -1. */
  int allocPages(int cpu, int order, int gfp, int sens) {
    if (order < 0 || order > FrameTable.MAX_ORDER) {
      throw new IllegalArgumentException("order " + order + " out of range 0.." + FrameTable.MAX_ORDER);
    }
    curGfp = gfp;
    curCpu = cpu;
    flipRefused = false;
    int highest = Gfp.gfpZone(gfp);
    Zone preferred = preferredZone(highest);
    if (preferred == null) {
      return -1;
    }
    int mt = Gfp.gfpMigratetype(gfp);
    if (mt >= MIGRATE_PCPTYPES) {
      mt = MIGRATE_MOVABLE; // VM_WARN_ON in gfp_migratetype(): both mobility bits set
    }
    int cma = mt == MIGRATE_MOVABLE ? ALLOC_CMA : 0; // gfp_to_alloc_flags_cma()
    // Fast path: low watermark, ALLOC_NOFRAGMENT when the preferred zone is Normal and DMA32 exists.
    int flags = ALLOC_WMARK_LOW | cma | ((gfp & Gfp.__GFP_KSWAPD_RECLAIM) != 0 ? ALLOC_KSWAPD : 0);
    if (preferred.index == Gfp.ZONE_NORMAL && byIndex[Gfp.ZONE_DMA32] != null) {
      flags |= ALLOC_NOFRAGMENT;
    }
    int pfn = getPageFromFreelist(order, mt, sens, highest, flags);
    if (pfn >= 0) {
      return pfn;
    }
    return allocSlowpath(order, gfp, mt, sens, highest, cma);
  }

  /** {@code __alloc_pages_slowpath()} minus reclaim, compaction and the OOM killer. */
  private int allocSlowpath(int order, int gfp, int mt, int sens, int highest, int cma) {
    if (slowpathHook != null) {
      slowpathHook.accept(curCpu);
    }
    int flags = gfpToAllocFlags(gfp, order) | cma;
    int pfn = getPageFromFreelist(order, mt, sens, highest, flags);
    if (pfn >= 0) {
      return pfn;
    }
    if ((gfp & Gfp.__GFP_MEMALLOC) != 0 && (gfp & Gfp.__GFP_NOMEMALLOC) == 0) {
      // __gfp_pfmemalloc_flags(): ALLOC_NO_WATERMARKS
      pfn = getPageFromFreelist(order, mt, sens, highest, (flags & ~ALLOC_WMARK_MASK) | ALLOC_NO_WATERMARKS);
      if (pfn >= 0) {
        return pfn;
      }
    }
    if (!Gfp.allowBlocking(gfp)) {
      return -1;
    }
    // __alloc_pages_direct_reclaim(): reclaim found nothing (not modelled), so unreserve and drain.
    boolean progress = unreserveHighatomicPageblock(highest, mt, sens, false);
    progress |= drainAllPages() > 0;
    if (progress) {
      pfn = getPageFromFreelist(order, mt, sens, highest, flags);
      if (pfn >= 0) {
        return pfn;
      }
    }
    // should_reclaim_retry() gives up: unreserve_highatomic_pageblock(ac, true).
    if (unreserveHighatomicPageblock(highest, mt, sens, true)) {
      pfn = getPageFromFreelist(order, mt, sens, highest, flags);
    }
    return pfn;
  }

  /** {@code gfp_to_alloc_flags()}. */
  static int gfpToAllocFlags(int gfp, int order) {
    int flags = ALLOC_WMARK_MIN;
    if ((gfp & Gfp.__GFP_HIGH) != 0) {
      flags |= ALLOC_MIN_RESERVE;
    }
    if ((gfp & Gfp.__GFP_KSWAPD_RECLAIM) != 0) {
      flags |= ALLOC_KSWAPD;
    }
    if ((gfp & Gfp.__GFP_DIRECT_RECLAIM) == 0 && (gfp & Gfp.__GFP_NOMEMALLOC) == 0) {
      flags |= ALLOC_NON_BLOCK;
      if (order > 0) {
        flags |= ALLOC_HIGHATOMIC;
      }
    }
    return flags;
  }

  private Zone preferredZone(int highest) {
    for (int i = highest; i >= 0; i--) {
      if (byIndex[i] != null) {
        return byIndex[i];
      }
    }
    return null;
  }

  /** {@code get_page_from_freelist()} over the zonelist, retrying without ALLOC_NOFRAGMENT. */
  private int getPageFromFreelist(int order, int mt, int sens, int highest, int flags) {
    while (true) {
      for (int zi = highest; zi >= 0; zi--) {
        Zone z = byIndex[zi];
        if (z == null) {
          continue;
        }
        if ((flags & ALLOC_NO_WATERMARKS) == 0) {
          long mark = Watermarks.wmark(z, flags & ALLOC_WMARK_MASK);
          if (!Watermarks.zoneWatermarkFast(z, order, mark, highest, flags, hasCma, nrSens)) {
            continue;
          }
        }
        int pfn = rmqueue(z, order, mt, sens, flags);
        if (pfn >= 0) {
          if ((flags & ALLOC_HIGHATOMIC) != 0) {
            reserveHighatomicPageblock(z, pfn, order);
          }
          return pfn;
        }
      }
      if ((flags & ALLOC_NOFRAGMENT) != 0) {
        flags &= ~ALLOC_NOFRAGMENT;
        continue;
      }
      return -1;
    }
  }

  /** {@code rmqueue()}: pcp lists for orders up to PAGE_ALLOC_COSTLY_ORDER, else the buddy. */
  private int rmqueue(Zone z, int order, int mt, int sens, int flags) {
    if (order <= PageOrder.PAGE_ALLOC_COSTLY_ORDER) {
      int pfn = rmqueuePcplist(z, order, mt, sens, flags);
      if (pfn >= 0) {
        return pfn;
      }
    }
    return rmqueueBuddy(z, order, mt, sens, flags);
  }

  private int pindex(int order, int mt, int sens) {
    return sens * FrameTable.NR_LOWORDER_PCP_LISTS + order * MIGRATE_PCPTYPES + mt;
  }

  /** {@code rmqueue_pcplist()} + {@code __rmqueue_pcplist()}. */
  private int rmqueuePcplist(Zone z, int order, int mt, int sens, int flags) {
    int cpu = curCpu;
    z.pcpFreeCount[cpu] >>= 1;
    int l = cpu * z.nrPcpLists + pindex(order, mt, sens);
    if (z.pcpHead[l] == Zone.NIL) {
      int batch = nrPcpAlloc(z, cpu, order);
      int got = rmqueueBulk(z, order, batch, l, mt, sens, flags);
      z.pcpCount[cpu] += got << order;
      arch.charge(cpu, bulkCost(got));
      if (z.pcpHead[l] == Zone.NIL) {
        return -1;
      }
    }
    int pfn = z.pcpHead[l];
    ft.listDel(z.pcpHead, z.pcpTail, z.pcpLen, l, pfn);
    z.pcpCount[cpu] -= 1 << order;
    markAllocated(pfn, order, mt);
    arch.charge(cpu, cfg.costPcp());
    return pfn;
  }

  /** {@code nr_pcp_alloc()} with a fixed {@code high} and {@code alloc_factor} 0. */
  private int nrPcpAlloc(Zone z, int cpu, int order) {
    int baseBatch = z.pcpBatch;
    int high = z.pcpHigh;
    if (high < baseBatch) {
      return 1;
    }
    int batch = baseBatch;
    if (order == 0) {
      int maxNrAlloc = Math.max(high - z.pcpCount[cpu] - baseBatch, baseBatch);
      batch = Math.min(batch, maxNrAlloc);
    }
    if (batch > 1) {
      batch = Math.max(batch >> order, 2);
    }
    return batch;
  }

  /** {@code rmqueue_bulk()}: up to {@code count} blocks onto pcp list {@code l}, tail first. */
  private int rmqueueBulk(Zone z, int order, int count, int l, int mt, int sens, int flags) {
    rmqueueMode = RMQUEUE_NORMAL;
    int i = 0;
    for (; i < count; i++) {
      int pfn = rmqueueWithFlip(z, order, mt, sens, flags);
      if (pfn < 0) {
        break;
      }
      ft.state[pfn] = (byte) (FrameTable.PCP | order);
      ft.listAdd(z.pcpHead, z.pcpTail, z.pcpLen, l, pfn, true);
    }
    return i;
  }

  /** {@code rmqueue_buddy()}. */
  private int rmqueueBuddy(Zone z, int order, int mt, int sens, int flags) {
    int pfn = -1;
    if ((flags & ALLOC_HIGHATOMIC) != 0) {
      pfn = rmqueueSmallest(z, order, MIGRATE_HIGHATOMIC + sens * FrameTable.MIGRATE_TYPES);
      if (pfn < 0 && asi) {
        noteHighatomicMiss(z, order, sens);
      }
    }
    if (pfn < 0) {
      rmqueueMode = RMQUEUE_NORMAL;
      pfn = rmqueueWithFlip(z, order, mt, sens, flags);
      if (pfn < 0 && (flags & (ALLOC_OOM | ALLOC_NON_BLOCK)) != 0) {
        pfn = rmqueueSmallest(z, order, MIGRATE_HIGHATOMIC + sens * FrameTable.MIGRATE_TYPES);
      }
      if (pfn < 0) {
        return -1;
      }
    }
    markAllocated(pfn, order, mt);
    arch.charge(curCpu, cfg.costBuddy());
    return pfn;
  }

  private void noteHighatomicMiss(Zone z, int order, int sens) {
    int other = (1 - sens) * FrameTable.MIGRATE_TYPES + MIGRATE_HIGHATOMIC;
    for (int o = order; o < FrameTable.NR_PAGE_ORDERS; o++) {
      if (!z.freeAreaEmpty(o, other)) {
        highatomicMisses.inc();
        return;
      }
    }
  }

  /**
   * {@code __rmqueue()} for the requested sensitivity; under ASI, when it finds nothing, a
   * blocking request flips a free block of the other sensitivity and retries.
   */
  private int rmqueueWithFlip(Zone z, int order, int mt, int sens, int flags) {
    int pfn = rmqueue0(z, order, mt, sens, flags);
    if (pfn >= 0 || !asi || (flags & ALLOC_NOFRAGMENT) != 0) {
      return pfn;
    }
    if (!Gfp.allowBlocking(curGfp)) {
      if (hasFlippable(z, order, mt, 1 - sens, flags)) {
        flipRefused = true;
      }
      return -1;
    }
    if (!flipFreeBlock(z, order, mt, sens, flags)) {
      return -1;
    }
    rmqueueMode = RMQUEUE_NORMAL;
    return rmqueue0(z, order, mt, sens, flags);
  }

  /** {@code __rmqueue()} with its {@code rmqueue_mode} state machine (cases fall through as in C). */
  @SuppressWarnings("fallthrough")
  private int rmqueue0(Zone z, int order, int mt, int sens, int flags) {
    int base = sens * FrameTable.MIGRATE_TYPES;
    if (hasCma && (flags & ALLOC_CMA) != 0 && Watermarks.freeCmaPages(z, hasCma, nrSens) > z.freePages / 2) {
      int pfn = rmqueueSmallest(z, order, base + MIGRATE_CMA);
      if (pfn >= 0) {
        return pfn;
      }
    }
    int pfn;
    switch (rmqueueMode) {
      case RMQUEUE_NORMAL:
        pfn = rmqueueSmallest(z, order, base + mt);
        if (pfn >= 0) {
          return pfn;
        }
        // fall through
      case RMQUEUE_CMA:
        if ((flags & ALLOC_CMA) != 0 && hasCma) {
          pfn = rmqueueSmallest(z, order, base + MIGRATE_CMA);
          if (pfn >= 0) {
            rmqueueMode = RMQUEUE_CMA;
            return pfn;
          }
        }
        // fall through
      case RMQUEUE_CLAIM:
        pfn = rmqueueClaim(z, order, mt, sens, flags);
        if (pfn >= 0) {
          rmqueueMode = RMQUEUE_NORMAL;
          return pfn;
        }
        // fall through
      case RMQUEUE_STEAL:
      default:
        if ((flags & ALLOC_NOFRAGMENT) == 0) {
          pfn = rmqueueSteal(z, order, mt, sens);
          if (pfn >= 0) {
            rmqueueMode = RMQUEUE_STEAL;
            return pfn;
          }
        }
        return -1;
    }
  }

  /** {@code __rmqueue_smallest()}: the first order with a free block of the freetype, split down. */
  int rmqueueSmallest(Zone z, int order, int freetype) {
    for (int o = order; o < FrameTable.NR_PAGE_ORDERS; o++) {
      int pfn = z.head[z.list(o, freetype)];
      if (pfn == Zone.NIL) {
        continue;
      }
      delFromFreeList(z, pfn, o, freetype);
      expand(z, pfn, order, o, freetype);
      return pfn;
    }
    return -1;
  }

  /** {@code should_try_claim_block()}. */
  static boolean shouldTryClaimBlock(int order, int startMt) {
    if (order >= FrameTable.PB_ORDER) {
      return true;
    }
    if (order >= FrameTable.PB_ORDER / 2) {
      return true;
    }
    return startMt == MIGRATE_RECLAIMABLE || startMt == MIGRATE_UNMOVABLE;
  }

  /** {@code find_suitable_fallback()}: -1 none at this order, -2 stop claiming. */
  private int findSuitableFallback(Zone z, int order, int mt, int sens, boolean claimable) {
    if (claimable && !shouldTryClaimBlock(order, mt)) {
      return -2;
    }
    if (z.nrFree[order] == 0) {
      return -1;
    }
    int base = sens * FrameTable.MIGRATE_TYPES;
    int[] fb = FALLBACKS[mt];
    for (int i = 0; i < fb.length; i++) {
      if (!z.freeAreaEmpty(order, base + fb[i])) {
        return fb[i];
      }
    }
    return -1;
  }

  /** {@code __rmqueue_claim()}: the largest fallback block whose pageblock can be claimed. */
  private int rmqueueClaim(Zone z, int order, int mt, int sens, int flags) {
    int minOrder = order;
    if (order < FrameTable.PB_ORDER && (flags & ALLOC_NOFRAGMENT) != 0) {
      minOrder = FrameTable.PB_ORDER;
    }
    int base = sens * FrameTable.MIGRATE_TYPES;
    for (int o = FrameTable.MAX_ORDER; o >= minOrder; o--) {
      int fmt = findSuitableFallback(z, o, mt, sens, true);
      if (fmt == -1) {
        continue;
      }
      if (fmt == -2) {
        break;
      }
      int pfn = z.head[z.list(o, base + fmt)];
      int got = tryToClaimBlock(z, pfn, o, order, mt, fmt, sens);
      if (got >= 0) {
        extfrag();
        return got;
      }
    }
    return -1;
  }

  /** One {@code mm_page_alloc_extfrag} event. */
  private void extfrag() {
    allocFallbacks.inc();
    arch.charge(curCpu, cfg.costFallback());
  }

  /** {@code try_to_claim_block()}. */
  private int tryToClaimBlock(Zone z, int pfn, int currentOrder, int order, int startMt, int blockMt, int sens) {
    int base = sens * FrameTable.MIGRATE_TYPES;
    if (currentOrder >= FrameTable.PB_ORDER) {
      delFromFreeList(z, pfn, currentOrder, base + blockMt);
      changePageblockRange(pfn, currentOrder, startMt);
      expand(z, pfn, order, currentOrder, base + startMt);
      return pfn;
    }
    int start = pfn & ~(FrameTable.PB_PAGES - 1);
    if (start < z.startPfn || start + FrameTable.PB_PAGES > z.endPfn) {
      return -1;
    }
    // prep_move_freepages_block(): count free and movable pages of the block.
    int free = 0;
    int movable = 0;
    int end = start + FrameTable.PB_PAGES;
    for (int p = start; p < end; ) {
      int s = ft.stateOf(p);
      int where = s & FrameTable.WHERE_MASK;
      if (where == FrameTable.BUDDY) {
        int n = 1 << (s & FrameTable.ORDER_MASK);
        free += n;
        p += n;
      } else if ((s & FrameTable.ALLOC) != 0 && where == 0) {
        int n = 1 << (s & FrameTable.ORDER_MASK);
        if ((s & FrameTable.MOVABLE_ALLOC) != 0) {
          movable += n;
        }
        p += n;
      } else if (where == FrameTable.PCP || where == FrameTable.POOL) {
        p += 1 << (s & FrameTable.ORDER_MASK);
      } else {
        p++;
      }
    }
    int alike;
    if (startMt == MIGRATE_MOVABLE) {
      alike = movable;
    } else if (blockMt == MIGRATE_MOVABLE) {
      alike = FrameTable.PB_PAGES - (free + movable);
    } else {
      alike = 0;
    }
    if (free + alike >= (1 << (FrameTable.PB_ORDER - 1))) {
      moveFreepagesBlock(z, start, base + blockMt, base + startMt);
      ft.setPbMigratetype(start, startMt);
      return rmqueueSmallest(z, order, base + startMt);
    }
    return -1;
  }

  /** {@code __rmqueue_steal()}: the smallest fallback block, without changing the pageblock's type. */
  private int rmqueueSteal(Zone z, int order, int mt, int sens) {
    int base = sens * FrameTable.MIGRATE_TYPES;
    for (int o = order; o < FrameTable.NR_PAGE_ORDERS; o++) {
      int fmt = findSuitableFallback(z, o, mt, sens, false);
      if (fmt == -1) {
        continue;
      }
      int pfn = z.head[z.list(o, base + fmt)];
      delFromFreeList(z, pfn, o, base + fmt);
      expand(z, pfn, order, o, base + fmt);
      extfrag();
      return pfn;
    }
    return -1;
  }

  /** {@code __move_freepages_block()}: moves every free block of the pageblock to another list. */
  int moveFreepagesBlock(Zone z, int start, int fromFt, int toFt) {
    int moved = 0;
    int end = start + FrameTable.PB_PAGES;
    for (int p = start; p < end; ) {
      int s = ft.stateOf(p);
      if ((s & FrameTable.WHERE_MASK) != FrameTable.BUDDY) {
        p++;
        continue;
      }
      int o = s & FrameTable.ORDER_MASK;
      delFromFreeList(z, p, o, fromFt);
      addToFreeList(z, p, o, toFt, true);
      moved += 1 << o;
      p += 1 << o;
    }
    return moved;
  }

  /** {@code change_pageblock_range()}. */
  private void changePageblockRange(int pfn, int order, int mt) {
    int n = order > FrameTable.PB_ORDER ? 1 << (order - FrameTable.PB_ORDER) : 1;
    for (int i = 0; i < n; i++) {
      ft.setPbMigratetype(pfn + i * FrameTable.PB_PAGES, mt);
    }
  }

  /** {@code reserve_highatomic_pageblock()}. */
  private void reserveHighatomicPageblock(Zone z, int pfn, int order) {
    if (z.managedPages / 100 < FrameTable.PB_PAGES) {
      return;
    }
    long maxManaged = alignUp(z.managedPages / 100, FrameTable.PB_PAGES);
    if (z.nrReservedHighatomic >= maxManaged) {
      return;
    }
    int mt = ft.pbMigratetype(pfn);
    if (mt >= MIGRATE_PCPTYPES) {
      return;
    }
    int base = asi ? (ft.pbNonsensitive(pfn) ? 0 : FrameTable.MIGRATE_TYPES) : 0;
    if (order < FrameTable.PB_ORDER) {
      int start = pfn & ~(FrameTable.PB_PAGES - 1);
      if (start < z.startPfn || start + FrameTable.PB_PAGES > z.endPfn) {
        return;
      }
      moveFreepagesBlock(z, start, base + mt, base + MIGRATE_HIGHATOMIC);
      ft.setPbMigratetype(start, MIGRATE_HIGHATOMIC);
      z.nrReservedHighatomic += FrameTable.PB_PAGES;
    } else {
      changePageblockRange(pfn, order, MIGRATE_HIGHATOMIC);
      z.nrReservedHighatomic += 1L << order;
    }
  }

  private static long alignUp(long v, long a) {
    return (v + a - 1) / a * a;
  }

  /** {@code unreserve_highatomic_pageblock()}: gives one reserved block back to {@code mt}. */
  boolean unreserveHighatomicPageblock(int highest, int mt, int sens, boolean force) {
    for (int zi = highest; zi >= 0; zi--) {
      Zone z = byIndex[zi];
      if (z == null) {
        continue;
      }
      if (!force && z.nrReservedHighatomic <= FrameTable.PB_PAGES) {
        continue;
      }
      for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
        for (int s = 0; s < nrSens; s++) {
          int sIdx = asi ? (s == 0 ? sens : 1 - sens) : 0;
          int base = sIdx * FrameTable.MIGRATE_TYPES;
          int pfn = z.head[z.list(o, base + MIGRATE_HIGHATOMIC)];
          if (pfn == Zone.NIL) {
            continue;
          }
          long size = Math.max(FrameTable.PB_PAGES, 1L << o);
          size = Math.min(size, z.nrReservedHighatomic);
          z.nrReservedHighatomic -= size;
          if (o < FrameTable.PB_ORDER) {
            int start = pfn & ~(FrameTable.PB_PAGES - 1);
            moveFreepagesBlock(z, start, base + MIGRATE_HIGHATOMIC, base + mt);
            ft.setPbMigratetype(start, mt);
          } else {
            delFromFreeList(z, pfn, o, base + MIGRATE_HIGHATOMIC);
            addToFreeList(z, pfn, o, base + mt, false);
            changePageblockRange(pfn, o, mt);
          }
          return true;
        }
      }
    }
    return false;
  }

  // ======================================================================================
  // ASI pageblock flips
  // ======================================================================================

  private boolean flippableType(int fmt, int flags) {
    return fmt < MIGRATE_PCPTYPES || (fmt == MIGRATE_CMA && (flags & ALLOC_CMA) != 0);
  }

  private boolean hasFlippable(Zone z, int order, int mt, int otherSens, int flags) {
    int base = otherSens * FrameTable.MIGRATE_TYPES;
    for (int o = Math.max(order, FrameTable.PB_ORDER); o < FrameTable.NR_PAGE_ORDERS; o++) {
      for (int fmt = 0; fmt < FrameTable.MIGRATE_TYPES; fmt++) {
        if (flippableType(fmt, flags) && !z.freeAreaEmpty(o, base + fmt)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Takes the smallest free block of at least pageblock order (and at least {@code order}) from
   * the other sensitivity — the requested migratetype first, then its {@code fallbacks[]}, then
   * CMA for movable requests — and changes its sensitivity: to nonsensitive, zero every page then
   * map the PMDs in the restricted direct map; to sensitive, unmap the PMDs then shoot down the
   * TLBs once for the block. The block is put back, unmerged, on the free list of its new
   * sensitivity. HIGHATOMIC and isolated blocks never flip.
   */
  private boolean flipFreeBlock(Zone z, int order, int mt, int sens, int flags) {
    int other = 1 - sens;
    int obase = other * FrameTable.MIGRATE_TYPES;
    for (int o = Math.max(order, FrameTable.PB_ORDER); o < FrameTable.NR_PAGE_ORDERS; o++) {
      for (int k = 0; k < 4; k++) {
        int fmt = k == 0 ? mt : k < 3 ? FALLBACKS[mt][k - 1] : MIGRATE_CMA;
        if (!flippableType(fmt, flags)) {
          continue;
        }
        int pfn = z.head[z.list(o, obase + fmt)];
        if (pfn == Zone.NIL) {
          continue;
        }
        delFromFreeList(z, pfn, o, obase + fmt);
        int n = 1 << o;
        int cpu = curCpu;
        int blocks = n >>> FrameTable.PB_ORDER;
        if (sens == 0) {
          // sensitive -> nonsensitive: zero, then map into the restricted direct map.
          arch.clearPages(cpu, pfn, n);
          mapWholeBlocks(cpu, pfn, n, true);
          flipsToNonsensitive.add(blocks);
        } else {
          mapWholeBlocks(cpu, pfn, n, false);
          arch.flushKernelRange(cpu, pfn, n);
          flipsToSensitive.add(blocks);
        }
        if (fmt == MIGRATE_CMA) {
          cmaFlips.add(blocks);
        }
        for (int b = 0; b < blocks; b++) {
          ft.setPbNonsensitive(pfn + b * FrameTable.PB_PAGES, sens == 0);
        }
        freeOnePage(z, pfn, o, sens * FrameTable.MIGRATE_TYPES + fmt, false);
        return true;
      }
    }
    return false;
  }

  // ======================================================================================
  // Freeing
  // ======================================================================================

  private int checkAllocated(long pfn, int order) {
    if (pfn < 0 || pfn >= ft.nrFrames) {
      throw new IllegalArgumentException("free of pfn " + pfn + " outside memory");
    }
    int p = (int) pfn;
    int s = ft.stateOf(p);
    if ((s & FrameTable.WHERE_MASK) != 0 || (s & FrameTable.ALLOC) == 0 || (s & FrameTable.ORDER_MASK) != order) {
      throw new IllegalStateException("free of pfn " + pfn + " order " + order + " that is not an allocated block of that order");
    }
    return p;
  }

  /** {@code free_frozen_pages()}: pcp for low orders, else {@code free_one_page()}. */
  void freePages(int cpu, int pfn, int order) {
    Zone z = zoneOf(pfn);
    int mt = ft.pbMigratetype(pfn);
    if (order <= PageOrder.PAGE_ALLOC_COSTLY_ORDER) {
      if (mt >= MIGRATE_PCPTYPES) {
        if (mt == MIGRATE_ISOLATE) {
          freeOnePage(z, pfn, order, freetypeOf(pfn), false);
          arch.charge(cpu, cfg.costBuddy());
          return;
        }
        mt = MIGRATE_MOVABLE;
      }
      freeToPcp(z, cpu, pfn, order, mt);
      return;
    }
    freeOnePageMaybeSplit(z, pfn, order);
    arch.charge(cpu, cfg.costBuddy());
  }

  /**
   * {@code free_one_page()} → {@code __free_one_page_maybe_split()} (formerly
   * {@code split_large_buddy()}): a block larger than a pageblock whose pageblocks do not all have
   * the same freetype is freed pageblock by pageblock, each to the list of its own freetype. Only
   * a block assembled outside the buddy lists can be mixed: the unmapped pool merges 2 MiB refills
   * whose pageblocks {@code reserve_highatomic_pageblock()} may have retyped one by one.
   */
  private void freeOnePageMaybeSplit(Zone z, int pfn, int order) {
    int freetype = freetypeOf(pfn);
    if (order > FrameTable.PB_ORDER) {
      int end = pfn + (1 << order);
      for (int p = pfn + FrameTable.PB_PAGES; p < end; p += FrameTable.PB_PAGES) {
        if (freetypeOf(p) != freetype) {
          for (int q = pfn; q < end; q += FrameTable.PB_PAGES) {
            freeOnePage(z, q, FrameTable.PB_ORDER, freetypeOf(q), false);
          }
          return;
        }
      }
    }
    freeOnePage(z, pfn, order, freetype, false);
  }

  /** {@code free_frozen_page_commit()}. */
  private void freeToPcp(Zone z, int cpu, int pfn, int order, int mt) {
    int sens = asi && !ft.pbNonsensitive(pfn) ? 1 : 0;
    int pindex = pindex(order, mt, sens);
    int l = cpu * z.nrPcpLists + pindex;
    ft.state[pfn] = (byte) (FrameTable.PCP | order);
    ft.listAdd(z.pcpHead, z.pcpTail, z.pcpLen, l, pfn, false);
    z.pcpCount[cpu] += 1 << order;
    int batch = z.pcpBatch;
    if (z.pcpFreeCount[cpu] < (batch << PCP_BATCH_SCALE_MAX)) {
      z.pcpFreeCount[cpu] += 1 << order;
    }
    arch.charge(cpu, cfg.costPcp());
    int high = z.pcpHigh;
    if (z.pcpCount[cpu] >= high) {
      freePcppagesBulk(z, cpu, nrPcpFree(z, cpu, batch, high), pindex);
    }
  }

  /** {@code nr_pcp_free()} without {@code free_high}. */
  private static int nrPcpFree(Zone z, int cpu, int batch, int high) {
    if (high < batch) {
      return 1;
    }
    int min = batch;
    int max = high - batch;
    return Math.max(min, Math.min(z.pcpFreeCount[cpu], max));
  }

  /** {@code free_pcppages_bulk()}: round-robin over the lists from {@code pindex}, oldest first. */
  int freePcppagesBulk(Zone z, int cpu, int count, int pindex) {
    int base = cpu * z.nrPcpLists;
    int freed = 0;
    pindex = pindex - 1;
    while (count > 0 && z.pcpCount[cpu] > 0) {
      int l;
      do {
        if (++pindex > z.nrPcpLists - 1) {
          pindex = 0;
        }
        l = base + pindex;
      } while (z.pcpHead[l] == Zone.NIL);
      int order = (pindex % FrameTable.NR_LOWORDER_PCP_LISTS) / MIGRATE_PCPTYPES;
      int nr = 1 << order;
      do {
        int pfn = z.pcpTail[l];
        ft.listDel(z.pcpHead, z.pcpTail, z.pcpLen, l, pfn);
        count -= nr;
        z.pcpCount[cpu] -= nr;
        freeOnePage(z, pfn, order, freetypeOf(pfn), false);
        freed++;
      } while (count > 0 && z.pcpHead[l] != Zone.NIL);
    }
    arch.charge(cpu, bulkCost(freed));
    return freed;
  }

  /** {@code drain_all_pages()}: empties every CPU's pcp lists in every zone. Returns blocks freed. */
  int drainAllPages() {
    int freed = 0;
    for (Zone z : zones) {
      for (int c = 0; c < nrCpus; c++) {
        if (z.pcpCount[c] > 0) {
          freed += freePcppagesBulk(z, c, z.pcpCount[c], 0);
        }
      }
    }
    return freed;
  }

  /** The freetype of a free page at {@code pfn}: its pageblock's migratetype and sensitivity. */
  int freetypeOf(int pfn) {
    int mt = ft.pbMigratetype(pfn);
    return asi && !ft.pbNonsensitive(pfn) ? mt + FrameTable.MIGRATE_TYPES : mt;
  }

  /** {@code can_merge_freetypes()} of the ASI series (mainline's rule when there is one sensitivity). */
  private static boolean canMergeFreetypes(int a, int b) {
    if (a == b) {
      return true;
    }
    int ma = a % FrameTable.MIGRATE_TYPES;
    int mb = b % FrameTable.MIGRATE_TYPES;
    if (ma >= MIGRATE_PCPTYPES || mb >= MIGRATE_PCPTYPES) {
      return false;
    }
    return a / FrameTable.MIGRATE_TYPES == b / FrameTable.MIGRATE_TYPES;
  }

  /** {@code __free_one_page()}: merge with free buddies, then add to the head or tail of the list. */
  void freeOnePage(Zone z, int pfn, int order, int freetype, boolean toTail) {
    ft.state[pfn] = 0; // no longer an allocated or pcp head; becomes a tail if it merges
    int buddy = pfn;
    while (order < FrameTable.MAX_ORDER) {
      buddy = pfn ^ (1 << order);
      if (!z.contains(buddy) || !ft.isBuddy(buddy, order)) {
        break;
      }
      int buddyFt = freetype;
      if (order >= FrameTable.PB_ORDER) {
        buddyFt = freetypeOf(buddy);
        if (!canMergeFreetypes(freetype, buddyFt)) {
          break;
        }
      }
      delFromFreeList(z, buddy, order, buddyFt);
      if (buddyFt != freetype) {
        changePageblockRange(buddy, order, freetype % FrameTable.MIGRATE_TYPES);
      }
      pfn &= buddy;
      order++;
    }
    boolean tail = toTail || buddyMergeLikely(z, pfn, buddy, order);
    addToFreeList(z, pfn, order, freetype, tail);
  }

  /** {@code buddy_merge_likely()}: the buddy of the next-higher block is free, so add to the tail. */
  private boolean buddyMergeLikely(Zone z, int pfn, int buddyPfn, int order) {
    if (order >= FrameTable.MAX_ORDER - 1) {
      return false;
    }
    int higher = buddyPfn & pfn;
    int higherBuddy = higher ^ (1 << (order + 1));
    return z.contains(higherBuddy) && ft.isBuddy(higherBuddy, order + 1);
  }

  // ======================================================================================
  // Free-list primitives
  // ======================================================================================

  void addToFreeList(Zone z, int pfn, int order, int freetype, boolean toTail) {
    int l = z.list(order, freetype);
    ft.listAdd(z.head, z.tail, z.listLen, l, pfn, toTail);
    ft.state[pfn] = (byte) (FrameTable.BUDDY | order);
    z.nrFree[order]++;
    if (freetype % FrameTable.MIGRATE_TYPES != MIGRATE_ISOLATE) {
      z.freePages += 1L << order;
    }
  }

  void delFromFreeList(Zone z, int pfn, int order, int freetype) {
    int l = z.list(order, freetype);
    ft.listDel(z.head, z.tail, z.listLen, l, pfn);
    ft.state[pfn] = 0;
    z.nrFree[order]--;
    if (freetype % FrameTable.MIGRATE_TYPES != MIGRATE_ISOLATE) {
      z.freePages -= 1L << order;
    }
  }

  /** {@code expand()}: splits a block of order {@code high} down to {@code low}, freeing the upper halves. */
  void expand(Zone z, int pfn, int low, int high, int freetype) {
    int size = 1 << high;
    while (high > low) {
      high--;
      size >>= 1;
      addToFreeList(z, pfn + size, high, freetype, false);
    }
  }

  void markAllocated(int pfn, int order, int mt) {
    ft.state[pfn] = (byte) (FrameTable.ALLOC | (mt == MIGRATE_MOVABLE ? FrameTable.MOVABLE_ALLOC : 0) | order);
  }

  Zone zoneOf(int pfn) {
    for (int i = zones.length - 1; i >= 0; i--) {
      if (pfn >= zones[i].startPfn) {
        return zones[i];
      }
    }
    throw new IllegalArgumentException("pfn " + pfn + " below every zone");
  }

  /** The zone with {@code ZONE_*} index {@code i}, or null. */
  Zone zoneByIndex(int i) {
    return byIndex[i];
  }

  BuddyConfig config() {
    return cfg;
  }

  @Override
  public long reclaimWatermark() {
    long sum = 0;
    for (Zone z : zones) {
      sum += z.wmarkHigh;
    }
    return sum;
  }

  /** Flips whole pageblocks: PMD changes only, which never need a page-table page. */
  private void mapWholeBlocks(int cpu, int pfn, int n, boolean present) {
    if (!arch.setRestrictedMapped(cpu, pfn, n, present)) {
      throw new IllegalStateException("restricted map change of whole pageblocks at pfn " + pfn + " needed a split");
    }
  }

  /**
   * A bulk move between the buddy lists and a pcp list ({@code rmqueue_bulk()},
   * {@code free_pcppages_bulk()}) takes {@code zone->lock} once: the first block costs a buddy
   * operation, each further one about a list operation (estimate, like the costs themselves).
   */
  private long bulkCost(int blocks) {
    return cfg.costBuddy() + (long) cfg.costPcp() * Math.max(0, blocks - 1);
  }
}
