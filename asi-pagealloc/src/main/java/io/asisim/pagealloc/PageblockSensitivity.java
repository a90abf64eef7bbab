package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_CMA;
import static io.asisim.api.mm.Migratetype.MIGRATE_HIGHATOMIC;
import static io.asisim.api.mm.Migratetype.MIGRATE_PCPTYPES;
import static io.asisim.pagealloc.AllocFlags.ALLOC_CMA;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.mm.SensitivityClassifier;

/**
 * The {@code pageblock-migratetype} strategy: Brendan Jackman's ASI series ("mm: ASI direct map
 * management", Sept 2025; "mm/asi: encode sensitivity in freetypes and pageblocks"). Free and
 * pcp lists are doubled by sensitivity, a page's sensitivity is its pageblock's
 * {@code PB_nonsensitive} bit (0, sensitive, at boot), and when {@code __rmqueue()} finds nothing
 * of the requested sensitivity a blocking request flips a free block of at least pageblock order
 * of the other sensitivity ({@link #flipFreeBlock}); a non-blocking request may not (the TLB
 * shootdown needs IRQs on) and fails over to the next zone.
 */
final class PageblockSensitivity implements SensitivityStrategy {
  /** Extra metric: non-blocking requests that found nothing of their sensitivity and may not flip. */
  static final MetricDescriptor ASI_FLIPS_REFUSED_NONBLOCKING = new MetricDescriptor(
      "asi_flips_refused_nonblocking", "count", Better.LOWER,
      "non-blocking allocations that needed a pageblock flip and were refused (RFC: flips need IRQs on)");
  /** Extra metric: atomic requests whose sensitivity had no HIGHATOMIC reserve while the other had. */
  static final MetricDescriptor ASI_HIGHATOMIC_SENSITIVITY_MISSES = new MetricDescriptor(
      "asi_highatomic_sensitivity_misses", "count", Better.LOWER,
      "HIGHATOMIC reserve present only in the other sensitivity's free lists (left open by the RFC)");
  /** Extra metric: CMA pageblocks flipped (the RFC does not say whether CMA blocks may flip). */
  static final MetricDescriptor ASI_CMA_FLIPS = new MetricDescriptor(
      "asi_cma_pageblock_flips", "count", Better.NEITHER,
      "CMA pageblocks whose sensitivity flipped (left open by the RFC)");
  /** The extra metrics above, for {@code Plugin.metrics()}. */
  static final java.util.List<MetricDescriptor> METRICS = java.util.List.of(
      ASI_FLIPS_REFUSED_NONBLOCKING, ASI_HIGHATOMIC_SENSITIVITY_MISSES, ASI_CMA_FLIPS);

  private final FrameTable ft;
  private final ArchPageOps arch;
  private final SensitivityClassifier classifier;
  private final Counter flipsToSensitive;
  private final Counter flipsToNonsensitive;
  private final Counter flipsRefused;
  private final Counter highatomicMisses;
  private final Counter cmaFlips;

  PageblockSensitivity(FrameTable ft, ArchPageOps arch, SensitivityClassifier classifier, Metrics metrics) {
    this.ft = ft;
    this.arch = arch;
    this.classifier = classifier;
    flipsToSensitive = metrics.counter(StandardMetrics.PAGEBLOCK_FLIPS_TO_SENSITIVE);
    flipsToNonsensitive = metrics.counter(StandardMetrics.PAGEBLOCK_FLIPS_TO_NONSENSITIVE);
    flipsRefused = metrics.counter(ASI_FLIPS_REFUSED_NONBLOCKING);
    highatomicMisses = metrics.counter(ASI_HIGHATOMIC_SENSITIVITY_MISSES);
    cmaFlips = metrics.counter(ASI_CMA_FLIPS);
  }

  @Override
  public int nrSensitivities() {
    return 2;
  }

  /** The series' {@code gfp_migratetype()} half: index 1 for a sensitive request. */
  @Override
  public int requestIndex(int gfp) {
    return classifier.classify(gfp) == Sensitivity.SENSITIVE ? 1 : 0;
  }

  @Override
  public Sensitivity sensitivity(long pfn) {
    return ft.pbNonsensitive((int) pfn) ? Sensitivity.NONSENSITIVE : Sensitivity.SENSITIVE;
  }

  /** The frame table counts every write that changes a pageblock's sensitivity flag. */
  @Override
  public long sensitivityChanges() {
    return ft.sensitivityWrites();
  }

  /** One flag read per pageblock of the range. */
  @Override
  public boolean anySensitive(long pfn, long n) {
    for (long p = pfn; p < pfn + n; p = (p | (FrameTable.PB_PAGES - 1)) + 1) {
      if (!ft.pbNonsensitive((int) p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The series' {@code __rmqueue()} tail: a blocking request flips a free block; a non-blocking
   * one is refused, and {@code ac.flipRefused} records that a flippable block existed.
   */
  @Override
  public boolean rmqueueEmpty(FreeArea fa, Zone z, int order, int allocFlags, AllocContext ac) {
    if (!Gfp.allowBlocking(ac.gfp)) {
      if (hasFlippable(z, order, 1 - ac.sens, allocFlags)) {
        ac.flipRefused = true;
      }
      return false;
    }
    return flipFreeBlock(fa, z, order, allocFlags, ac);
  }

  @Override
  public void highatomicMiss(Zone z, int order, AllocContext ac) {
    int other = (1 - ac.sens) * FrameTable.MIGRATE_TYPES + MIGRATE_HIGHATOMIC;
    for (int o = order; o < FrameTable.NR_PAGE_ORDERS; o++) {
      if (!z.freeAreaEmpty(o, other)) {
        highatomicMisses.inc();
        return;
      }
    }
  }

  @Override
  public void allocFailed(AllocContext ac) {
    if (ac.flipRefused) {
      flipsRefused.inc();
    }
  }

  private static boolean flippableType(int fmt, int flags) {
    return fmt < MIGRATE_PCPTYPES || (fmt == MIGRATE_CMA && (flags & ALLOC_CMA) != 0);
  }

  private static boolean hasFlippable(Zone z, int order, int otherSens, int flags) {
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
  private boolean flipFreeBlock(FreeArea fa, Zone z, int order, int allocFlags, AllocContext ac) {
    int sens = ac.sens;
    int mt = ac.migratetype;
    int obase = (1 - sens) * FrameTable.MIGRATE_TYPES;
    for (int o = Math.max(order, FrameTable.PB_ORDER); o < FrameTable.NR_PAGE_ORDERS; o++) {
      for (int k = 0; k < 4; k++) {
        int fmt = k == 0 ? mt : k < 3 ? Fallback.FALLBACKS[mt][k - 1] : MIGRATE_CMA;
        if (!flippableType(fmt, allocFlags)) {
          continue;
        }
        int pfn = z.freeHead(z.list(o, obase + fmt));
        if (pfn == Zone.NIL) {
          continue;
        }
        fa.delFromFreeList(z, pfn, o, obase + fmt);
        int n = 1 << o;
        int cpu = ac.cpu;
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
        fa.freeOnePage(z, pfn, o, sens * FrameTable.MIGRATE_TYPES + fmt, false);
        return true;
      }
    }
    return false;
  }

  /** Flips whole pageblocks: PMD changes only, which never need a page-table page. */
  private void mapWholeBlocks(int cpu, int pfn, int n, boolean present) {
    if (!arch.setRestrictedMapped(cpu, pfn, n, present)) {
      throw new IllegalStateException("restricted map change of whole pageblocks at pfn " + pfn + " needed a split");
    }
  }
}
