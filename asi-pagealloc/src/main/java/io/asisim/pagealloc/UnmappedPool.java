package io.asisim.pagealloc;

import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.PfnRange;
import io.asisim.api.mm.Migratetype;
import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Sensitivity;

/**
 * The separate buddy cache of Mike Rapoport's "mm: introduce __GFP_UNMAPPED and unmapped_alloc()"
 * (RFC, March 2023, mm/unmapped-alloc.c), holding one sensitivity class apart from the main
 * allocator.
 *
 * <ul>
 *   <li>{@code unmapped_alloc()}: the smallest pool block of at least the requested order, split
 *       like {@code expand()};</li>
 *   <li>refill ({@code unmapped_alloc_refill()} in spirit): take a pageblock-order (2 MiB) block
 *       from the main allocator, else the next smaller order down to the request's, change its
 *       mapping for the whole block — to sensitive: unmap from the restricted direct map
 *       (optionally also the unrestricted one, as the RFC's {@code set_direct_map_invalid_noflush})
 *       and one {@code flush_tlb_kernel_range()}; to nonsensitive: zero, then map — and count
 *       {@code pool_refills}; blocks smaller than 2 MiB split 2 MiB leaves in the arch;</li>
 *   <li>{@code unmapped_free()}: merge with free pool buddies (never with main-allocator memory);</li>
 *   <li>the shrinker ({@code unmapped_alloc_shrink_scan()}): run from every reclaim round's
 *       {@code shrink_slab()} ({@code PageAllocator.shrinkSlab}) and when the main allocator leaves
 *       its fast path (where kswapd would be woken; docs/deviations.md), returning up to {@code shrinkBatch} free pool
 *       blocks of at least {@code shrinkMinOrder} to the main allocator. A block becoming
 *       nonsensitive is zeroed (the checker's rule: no sensitive data reachable restricted) and
 *       mapped again with no flush; a block becoming sensitive is unmapped and flushed.</li>
 * </ul>
 * Free pool pages at the end of a run are {@code pool_stranded_pages}.
 *
 * <p>As a {@link SensitivityStrategy} of the plain buddy it sits on, the pool keeps the buddy's
 * lists at one sensitivity (pool pages never enter them), answers the sensitivity of a pfn by
 * pool membership, and hooks the buddy's kswapd wake-up point with its shrinker. The request
 * routing ({@code __GFP_UNMAPPED} or the pooled class) is {@link UnmappedPoolAllocator}'s.
 */
final class UnmappedPool implements SensitivityStrategy {
  private final BuddyAllocator main;
  private final FrameTable ft;
  private final ArchPageOps arch;
  private final Sensitivity pooled;
  private final boolean unmapDirect;
  private final int shrinkMinOrder;
  private final int shrinkBatch;
  private final long costPool;

  /** The pool's free lists, one per order: a {@link FrameTable} list table. */
  private final int[] lists = FrameTable.newLists(FrameTable.NR_PAGE_ORDERS);
  /** One bit per frame: the frame belongs to the pool (free or allocated from it). */
  private final long[] inPool;
  private long membershipChanges;
  private long freePages;
  private long poolPages;

  private final Counter refills;
  private final Counter shrinks;
  private final Counter stranded;
  private final Counter refillFailures;

  /** Refills abandoned because changing the block's mappings needed a page-table page there was none of. */
  static final io.asisim.api.metrics.MetricDescriptor REFILL_FAILURES = new io.asisim.api.metrics.MetricDescriptor(
      "pool_refill_failures", "count", io.asisim.api.metrics.Better.LOWER,
      "unmapped-pool refills abandoned: a direct-map split found no page for its table (-ENOMEM)");

  UnmappedPool(BuddyAllocator main, Metrics metrics, Sensitivity pooled, boolean unmapDirect,
      int shrinkMinOrder, int shrinkBatch, long costPool) {
    this.main = main;
    this.ft = main.ft;
    this.arch = main.arch;
    this.pooled = pooled;
    this.unmapDirect = unmapDirect;
    this.shrinkMinOrder = shrinkMinOrder;
    this.shrinkBatch = shrinkBatch;
    this.costPool = costPool;
    inPool = new long[(ft.nrFrames + 63) >>> 6];
    refills = metrics.counter(StandardMetrics.POOL_REFILLS);
    shrinks = metrics.counter(StandardMetrics.POOL_SHRINKS);
    stranded = metrics.gauge(StandardMetrics.POOL_STRANDED_PAGES);
    refillFailures = metrics.counter(REFILL_FAILURES);
  }

  Sensitivity pooled() {
    return pooled;
  }

  @Override
  public Sensitivity sensitivity(long pfn) {
    return contains((int) pfn) ? pooled : pooled.other();
  }

  /** The shrinker runs where the buddy would wake kswapd. */
  @Override
  public void wakeKswapd(AllocContext ac) {
    shrink(ac.cpu);
  }

  /** Whether any frame of the range is of the pooled class (in the pool) or of the other: bitmap words. */
  @Override
  public boolean anySensitive(long pfn, long n) {
    boolean wantIn = pooled == Sensitivity.SENSITIVE;
    long end = pfn + n;
    for (long p = pfn; p < end; ) {
      int w = (int) (p >>> 6);
      long mask = -1L << (p & 63);
      long stop = Math.min(end, ((long) w + 1) << 6);
      if (stop < ((long) w + 1) << 6) {
        mask &= (1L << (stop & 63)) - 1;
      }
      long bits = wantIn ? inPool[w] : ~inPool[w];
      if ((bits & mask) != 0) {
        return true;
      }
      p = stop;
    }
    return false;
  }

  boolean contains(int pfn) {
    return (inPool[pfn >>> 6] & (1L << pfn)) != 0;
  }

  /** Blocks moved into or out of the pool so far: their frames changed sensitivity. */
  @Override
  public long sensitivityChanges() {
    return membershipChanges;
  }

  private void setInPool(int pfn, int n, boolean v) {
    ft.logged(pfn, n); // membership is the pool frames' sensitivity
    membershipChanges++;
    for (int p = pfn; p < pfn + n; p++) {
      if (v) {
        inPool[p >>> 6] |= 1L << p;
      } else {
        inPool[p >>> 6] &= ~(1L << p);
      }
    }
  }

  long freePages() {
    return freePages;
  }

  long poolPages() {
    return poolPages;
  }

  /** Free pool blocks of {@code order}. */
  int freeBlocks(int order) {
    return FrameTable.len(lists, order);
  }

  /** {@code unmapped_alloc()}: from the pool, refilling it when empty. */
  int alloc(int cpu, int order, int gfp) {
    int pfn = take(order);
    if (pfn < 0) {
      if (!refill(cpu, order, gfp)) {
        return -1;
      }
      pfn = take(order);
    }
    arch.charge(cpu, costPool);
    return pfn;
  }

  private int take(int order) {
    for (int o = order; o < FrameTable.NR_PAGE_ORDERS; o++) {
      int pfn = FrameTable.head(lists, o);
      if (pfn == Zone.NIL) {
        continue;
      }
      del(pfn, o);
      int size = 1 << o;
      while (o > order) {
        o--;
        size >>= 1;
        add(pfn + size, o, false);
      }
      main.fa.markAllocated(pfn, order, Migratetype.MIGRATE_UNMOVABLE);
      return pfn;
    }
    return -1;
  }

  private void add(int pfn, int order, boolean toTail) {
    ft.listAdd(lists, order, pfn, toTail);
    ft.setState(pfn, (byte) (FrameTable.POOL | order));
    freePages += 1L << order;
  }

  private void del(int pfn, int order) {
    ft.listDel(lists, order, pfn);
    ft.setState(pfn, 0);
    freePages -= 1L << order;
  }

  /** Refill: a 2 MiB block when possible, else the largest smaller order down to {@code order}. */
  private boolean refill(int cpu, int order, int gfp) {
    int refillGfp = gfp & ~(Gfp.GFP_MOVABLE_MASK | Gfp.__GFP_UNMAPPED | Gfp.__GFP_ZERO);
    for (int o = Math.max(FrameTable.PB_ORDER, order); o >= order; o--) {
      int pfn = main.allocPages(cpu, o, refillGfp, 0);
      if (pfn < 0) {
        continue;
      }
      int n = 1 << o;
      if (!changeMapping(cpu, pfn, n)) {
        // set_direct_map_*() returned -ENOMEM (no page for a split table): give the block back
        main.freePages(cpu, pfn, o);
        refillFailures.inc();
        return false;
      }
      setInPool(pfn, n, true);
      poolPages += n;
      ft.setState(pfn, 0);
      add(pfn, o, false);
      refills.inc();
      return true;
    }
    return false;
  }

  /**
   * Changes a new pool block's mappings for its class: the sensitive class leaves the restricted
   * direct map (and optionally the direct map) with one flush; the nonsensitive class is zeroed and
   * mapped. All or nothing: {@code false} leaves the mappings as they were.
   */
  private boolean changeMapping(int cpu, int pfn, int n) {
    if (pooled == Sensitivity.SENSITIVE) {
      if (!arch.setRestrictedMapped(cpu, pfn, n, false)) {
        return false;
      }
      if (unmapDirect && !arch.setDirectMapped(cpu, pfn, n, false)) {
        mustMap(arch.setRestrictedMapped(cpu, pfn, n, true), pfn); // its tables exist now
        return false;
      }
      arch.flushKernelRange(cpu, pfn, n);
      return true;
    }
    arch.clearPages(cpu, pfn, n); // zeroed before it becomes reachable restricted
    return arch.setRestrictedMapped(cpu, pfn, n, true);
  }

  /** {@code unmapped_free()}: merges with free pool buddies of the same zone. */
  void free(int cpu, int pfn, int order) {
    Zone z = main.fa.zoneOf(pfn);
    ft.setState(pfn, 0);
    while (order < FrameTable.MAX_ORDER) {
      int buddy = pfn ^ (1 << order);
      if (!z.contains(buddy) || !contains(buddy) || ft.stateOf(buddy) != (FrameTable.POOL | order)) {
        break;
      }
      del(buddy, order);
      pfn &= buddy;
      order++;
    }
    add(pfn, order, false);
    arch.charge(cpu, costPool);
  }

  /** The shrinker is changing a block's mappings (and may be allocating a page table for it). */
  private boolean shrinking;

  /** The shrinker: returns up to {@code shrinkBatch} free blocks of at least {@code shrinkMinOrder}. */
  int shrink(int cpu) {
    if (shrinking) {
      return 0;
    }
    int returned = 0;
    for (int o = FrameTable.MAX_ORDER; o >= shrinkMinOrder && returned < shrinkBatch; o--) {
      while (FrameTable.head(lists, o) != Zone.NIL && returned < shrinkBatch) {
        int pfn = FrameTable.head(lists, o);
        int n = 1 << o;
        del(pfn, o);
        shrinking = true; // a page table allocated below must not reclaim into this shrinker (PF_MEMALLOC)
        boolean restored = restoreMapping(cpu, pfn, n);
        shrinking = false;
        if (!restored) {
          // a block smaller than the one that entered the pool lies in a 2 MiB mapping changed
          // whole: mapping it back needs a page table, and there is no page for one
          // (set_memory_*() fails with -ENOMEM): it stays in the pool, the shrinker stops
          add(pfn, o, false);
          return returned;
        }
        setInPool(pfn, n, false);
        poolPages -= n;
        main.fa.markAllocated(pfn, o, Migratetype.MIGRATE_UNMOVABLE);
        main.freePages(cpu, pfn, o);
        shrinks.inc();
        returned++;
      }
    }
    return returned;
  }

  /**
   * A free pool block's mappings back as the main allocator's: the sensitive class is zeroed and
   * mapped restricted again (and in the direct map), the nonsensitive class unmapped with a flush.
   * {@code false} (a page table could not be allocated) leaves the mappings as they were (a
   * sensitive block is then zeroed for nothing).
   */
  private boolean restoreMapping(int cpu, int pfn, int n) {
    if (pooled == Sensitivity.SENSITIVE) {
      if (unmapDirect && !arch.setDirectMapped(cpu, pfn, n, true)) {
        return false;
      }
      arch.clearPages(cpu, pfn, n); // zeroed before it becomes reachable restricted
      if (!arch.setRestrictedMapped(cpu, pfn, n, true)) {
        if (unmapDirect) {
          mustMap(arch.setDirectMapped(cpu, pfn, n, false), pfn); // its tables exist now
        }
        return false;
      }
      return true;
    }
    if (!arch.setRestrictedMapped(cpu, pfn, n, false)) {
      return false;
    }
    arch.flushKernelRange(cpu, pfn, n);
    return true;
  }

  private static void mustMap(boolean ok, int pfn) {
    if (!ok) {
      throw new IllegalStateException("mapping change of pool block " + pfn + " needed a new page table");
    }
  }

  void finish() {
    stranded.set(freePages);
  }

  /**
   * {@link #check()} on the frames {@code changed} lists (docs/checker.md): the free counter
   * against the lists' counters, each logged pool block's head, alignment, membership and links,
   * and each logged frame's restricted mapping against its class. List walks are the full check's.
   */
  String checkChanged(ChangeLog changed) {
    long free = 0;
    for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
      free += (long) FrameTable.len(lists, o) << o;
    }
    if (free != freePages) {
      return "pool: free pages counter " + freePages + " but lists hold " + free;
    }
    boolean wantMapped = pooled == Sensitivity.NONSENSITIVE;
    // every logged frame is judged and the lowest bad one reported, as the ascending walk would
    String bad = null;
    long badPfn = Long.MAX_VALUE;
    for (int i = 0; i < changed.nrFrameRanges(); i++) {
      long end = Math.min(changed.framePfn(i) + changed.frameCount(i), ft.nrFrames);
      for (int p = (int) changed.framePfn(i); p < end && p < badPfn; p++) {
        String r = checkFrame(p, wantMapped);
        if (r != null) {
          bad = r;
          badPfn = p;
        }
      }
    }
    return bad;
  }

  /** One logged frame: a pool head's listing and the frame's mapping against its class. */
  private String checkFrame(int p, boolean wantMapped) {
    boolean in = contains(p);
    int s = ft.stateOf(p);
    if ((s & FrameTable.WHERE_MASK) == FrameTable.POOL) {
      int o = s & FrameTable.ORDER_MASK;
      int prev = ft.prev(p);
      int next = ft.next(p);
      if (!in || (p & ((1 << o) - 1)) != 0 || (prev == Zone.NIL && FrameTable.head(lists, o) != p)
          || (prev != Zone.NIL && ft.next(prev) != p) || (next != Zone.NIL && ft.prev(next) != p)) {
        return "pool: pfn " + p + " on the order-" + o + " list is not a free pool block";
      }
    }
    boolean mapped = arch.isRestrictedMapped(p);
    if (mapped != (in == wantMapped) && (in || !PfnRange.anyContains(main.reserved, p) && !main.hotplug.isOffline(p))) {
      return "pool: frame " + p + (in ? " in" : " outside") + " the " + pooled.name().toLowerCase()
          + " pool is " + (mapped ? "mapped" : "unmapped") + " in the restricted direct map";
    }
    return null;
  }

  /** Pool lists against counters and the pool bitmap; pool frames' mapping against the class. */
  String check() {
    long free = 0;
    for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
      int n = 0;
      for (int p = FrameTable.head(lists, o); p != Zone.NIL; p = ft.next(p)) {
        if (ft.stateOf(p) != (FrameTable.POOL | o) || !contains(p) || (p & ((1 << o) - 1)) != 0) {
          return "pool: pfn " + p + " on the order-" + o + " list is not a free pool block";
        }
        if (++n > ft.nrFrames) {
          return "pool: cycle in the order-" + o + " list";
        }
        free += 1L << o;
      }
      if (n != FrameTable.len(lists, o)) {
        return "pool: order-" + o + " list length mismatch";
      }
    }
    if (free != freePages) {
      return "pool: free pages counter " + freePages + " but lists hold " + free;
    }
    boolean wantMapped = pooled == Sensitivity.NONSENSITIVE;
    for (int p = 0; p < ft.nrFrames; p++) {
      boolean in = contains(p);
      boolean mapped = arch.isRestrictedMapped(p);
      if (mapped != (in == wantMapped) && (in || !PfnRange.anyContains(main.reserved, p) && !main.hotplug.isOffline(p))) {
        return "pool: frame " + p + (in ? " in" : " outside") + " the " + pooled.name().toLowerCase()
            + " pool is " + (mapped ? "mapped" : "unmapped") + " in the restricted direct map";
      }
    }
    return null;
  }
}
