package io.asisim.sim.trace;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.PageOrder;
import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.sim.slab.SlabSensitivity;
import io.asisim.sim.slab.Slub;

/**
 * Replays the alloc/free events of a {@link ParsedTrace} through the simulated kernel's page
 * allocator (its slab events through the SLUB model, {@link SlabReplay}), remapping trace pfns into simulated memory. Each traced allocation becomes a request
 * of the same order and GFP mask ({@code __alloc_pages()}; the selected allocator and its
 * sensitivity classifier decide where it lands); each traced free of a block the replay allocated
 * frees the simulated block ({@code __free_pages()}). A primitive hash map links the trace pfn of
 * every live block to its simulated pfn and order.
 *
 * <p>What a real trace leaves inconsistent, and how it is resolved:
 * <ul>
 *   <li>A free of a pfn the replay never allocated (allocated before the capture started, or its
 *       alloc was lost): on a machine seeded from a real /proc/pagetypeinfo it frees a block of the
 *       same order from the memory that state holds allocated ({@code Kernel#freePreexistingPages}:
 *       {@code trace_adopted_frees}), so the simulated machine gains what the real one did;
 *       otherwise, or when no such block is left, {@code trace_unmatched_frees}, nothing freed.</li>
 *   <li>A free of the head pfn of a live block with another order: the whole block is freed, as
 *       {@code __free_pages()} of the head frees the compound page ({@code trace_order_mismatches}).
 *       A free of a tail pfn inside a live higher-order block ({@code split_page()} users such as
 *       {@code alloc_pages_exact()} free tails one by one) is not replayed: {@code trace_tail_frees}
 *       and {@code trace_unmatched_frees}. The split is not modelled: the block stays allocated
 *       until its head is freed, then all of it is freed.</li>
 *   <li>An {@code mm_page_free_batched} event: {@code free_unref_folios()} traces it after
 *       {@code free_pages_prepare()} already traced {@code mm_page_free} for the same page, so when
 *       the trace has {@code mm_page_free} events a batched free of a page that is no longer live is
 *       a duplicate ({@code trace_batched_duplicates}); one of a live page (its
 *       {@code mm_page_free} was lost, or was not captured) frees it.</li>
 *   <li>An allocation over a pfn still live in the replay (its free was lost, e.g. perf "lost
 *       chunks"): the stale block(s) overlapping the new one are freed first
 *       ({@code trace_lost_frees}).</li>
 *   <li>An allocation that failed in the traced kernel ({@code pfn=0}): not replayed
 *       ({@code trace_traced_alloc_failures}). A simulated allocation that fails is counted by the
 *       allocator ({@code alloc_failures}); its later free is dropped silently.</li>
 *   <li>The trace CPU column is mapped onto the simulated CPUs as {@code cpu % nrCpus}.</li>
 * </ul>
 * Not thread-safe; allocates nothing per event except when the pfn map grows.
 */
public final class TraceReplayer {
  private static final int ORDER_BITS = 4;
  private static final long ORDER_MASK = (1 << ORDER_BITS) - 1;

  private final TraceEvents trace;
  private final boolean batchedAreDuplicates;
  /** trace pfn of a live block -> ((sim pfn + 1) << 4) | order; sim pfn -1 = the simulated alloc failed. */
  private final PfnMap live;
  /** Live blocks per order: skips containment probes for orders with no live block. */
  private final int[] liveByOrder = new int[PageOrder.NR_PAGE_ORDERS];

  private final Counter events;
  private final Counter[] eventsByType = new Counter[Event.values().length];
  private final Counter unmatched;
  private final Counter tailFrees;
  private final Counter orderMismatches;
  private final Counter batchedDuplicates;
  private final Counter tracedFailures;
  private final Counter lostFrees;
  /** Registered at the first adoption, so that a replay without an initial state reports what it did before. */
  private Counter adopted;
  private final Metrics metrics;
  private final Counter liveAtEnd;
  private static final Event[] SLAB_EVENTS = {Event.KMEM_CACHE_ALLOC, Event.KMEM_CACHE_FREE, Event.KMALLOC, Event.KFREE};
  /** The slab events' replay; null when the trace has none. */
  private final SlabReplay slab;

  /** A replayer of {@code trace} counting into {@code metrics}; slab caches sensitive by the ASI series' rule. */
  public TraceReplayer(ParsedTrace trace, Metrics metrics) {
    this(trace, metrics, SlabSensitivity.RECLAIMABLE);
  }

  /** A replayer of {@code trace} counting into {@code metrics}, its slab events (if any) with {@code slabSensitivity}. */
  public TraceReplayer(ParsedTrace trace, Metrics metrics, SlabSensitivity slabSensitivity) {
    this.trace = trace.events(); // the arrays, or this replay's own stream of the file
    this.batchedAreDuplicates = trace.hasPlainFrees();
    this.live = new PfnMap(1024);
    this.events = metrics.counter(StandardMetrics.TRACE_EVENTS);
    for (Event e : new Event[] {Event.MM_PAGE_ALLOC, Event.MM_PAGE_FREE, Event.MM_PAGE_FREE_BATCHED}) {
      eventsByType[e.ordinal()] = metrics.counter(StandardMetrics.TRACE_EVENTS, e.tracepoint());
    }
    // a trace without slab events reports no slab metrics (its JSON is what it was before the model)
    this.slab = trace.hasSlabEvents() ? new SlabReplay(trace, metrics, slabSensitivity) : null;
    if (slab != null) {
      for (Event e : SLAB_EVENTS) {
        eventsByType[e.ordinal()] = metrics.counter(StandardMetrics.TRACE_EVENTS, e.tracepoint());
      }
    }
    this.unmatched = metrics.counter(StandardMetrics.TRACE_UNMATCHED_FREES);
    this.tailFrees = metrics.counter(TraceMetrics.TRACE_TAIL_FREES);
    this.orderMismatches = metrics.counter(TraceMetrics.TRACE_ORDER_MISMATCHES);
    this.batchedDuplicates = metrics.counter(TraceMetrics.TRACE_BATCHED_DUPLICATES);
    this.tracedFailures = metrics.counter(TraceMetrics.TRACE_TRACED_ALLOC_FAILURES);
    this.lostFrees = metrics.counter(TraceMetrics.TRACE_LOST_FREES);
    this.metrics = metrics;
    this.liveAtEnd = metrics.gauge(TraceMetrics.TRACE_LIVE_AT_END);
  }

  /** Replays event {@code i} of the trace. */
  public void replay(Kernel kernel, int i) {
    int cpu = trace.cpu(i) % kernel.nrCpus();
    events.inc();
    Event ev = trace.event(i);
    int type = ev.ordinal();
    eventsByType[type].inc();
    if (type >= Event.KMEM_CACHE_ALLOC.ordinal()) { // the slab events follow the page events in Event
      slab.replay(kernel, trace, i, cpu, ev);
      return;
    }
    long pfn = trace.pfn(i);
    int order = trace.order(i);
    if (trace.isAlloc(i)) {
      alloc(kernel, cpu, pfn, order, trace.gfp(i));
    } else {
      free(kernel, cpu, pfn, order, type == Event.MM_PAGE_FREE_BATCHED.ordinal());
    }
  }

  private void alloc(Kernel kernel, int cpu, long pfn, int order, int gfp) {
    if (pfn < 0) {
      tracedFailures.inc();
      return;
    }
    evictOverlapping(kernel, cpu, pfn, order);
    long sim = kernel.allocPages(cpu, order, gfp);
    live.put(pfn, ((sim < 0 ? 0 : sim + 1) << ORDER_BITS) | order);
    liveAtEnd.set(live.size());
    liveByOrder[order]++;
  }

  /** Frees live blocks overlapping {@code [pfn, pfn + 2^order)}: the trace lost their frees. */
  private void evictOverlapping(Kernel kernel, int cpu, long pfn, int order) {
    // a live block containing pfn has its head at pfn aligned down to its own order
    for (int m = 0; m <= PageOrder.MAX_PAGE_ORDER; m++) {
      if (liveByOrder[m] == 0) {
        continue;
      }
      long head = pfn & -(1L << m);
      long v = live.get(head);
      if (v != PfnMap.MISSING && (v & ORDER_MASK) == m) {
        release(kernel, cpu, head);
        lostFrees.inc();
      }
    }
    // live blocks starting strictly inside a higher-order allocation
    if (order > 0 && live.size() > 0) {
      long end = pfn + (1L << order);
      for (long p = pfn + 1; p < end; p++) {
        if (live.get(p) != PfnMap.MISSING) {
          release(kernel, cpu, p);
          lostFrees.inc();
        }
      }
    }
  }

  private void free(Kernel kernel, int cpu, long pfn, int order, boolean batched) {
    long v = live.get(pfn);
    if (v != PfnMap.MISSING) {
      if ((v & ORDER_MASK) != order) {
        orderMismatches.inc();
      }
      release(kernel, cpu, pfn);
      return;
    }
    if (insideLiveBlock(pfn)) {
      tailFrees.inc();
      unmatched.inc();
      return;
    }
    if (batched && batchedAreDuplicates) {
      batchedDuplicates.inc();
      return;
    }
    if (kernel.freePreexistingPages(cpu, order) >= 0) {
      if (adopted == null) {
        adopted = metrics.counter(TraceMetrics.TRACE_ADOPTED_FREES);
      }
      adopted.inc();
      return;
    }
    unmatched.inc();
  }

  private boolean insideLiveBlock(long pfn) {
    for (int m = 1; m <= PageOrder.MAX_PAGE_ORDER; m++) {
      if (liveByOrder[m] == 0) {
        continue;
      }
      long head = pfn & -(1L << m);
      if (head != pfn) {
        long v = live.get(head);
        if (v != PfnMap.MISSING && (v & ORDER_MASK) == m) {
          return true;
        }
      }
    }
    return false;
  }

  /** Frees the live block at trace pfn {@code head} in the simulated allocator and forgets it. */
  private void release(Kernel kernel, int cpu, long head) {
    long v = live.remove(head);
    liveAtEnd.set(live.size());
    int order = (int) (v & ORDER_MASK);
    long sim = (v >>> ORDER_BITS) - 1;
    liveByOrder[order]--;
    if (sim >= 0) {
      kernel.freePages(cpu, sim, order);
    }
  }

  /**
   * Frees every block still live at the end of the trace on CPU 0, in slot order (deterministic).
   * {@code trace_live_blocks_at_end} is a gauge of live blocks, so the result (taken after the last
   * event, before this tear-down) shows how many the trace left allocated.
   */
  public void releaseAll(Kernel kernel) {
    if (slab != null) {
      slab.releaseAll();
    }
    while (live.size() > 0) {
      for (int s = 0; s < live.capacity(); s++) {
        long k = live.keyAt(s);
        if (k >= 0) {
          release(kernel, 0, k);
          s--; // backward shift may have moved another entry into this slot
        }
      }
    }
  }

  /** The SLUB model of a trace whose slab events are replayed, once its first one has been; else null. */
  public Slub slub() {
    return slab == null ? null : slab.slub();
  }

  /** Blocks currently live in the replay. */
  public int liveBlocks() {
    return live.size();
  }

  /** The simulated pfn of the live block at trace pfn {@code tracePfn}; -1 if none or its allocation failed. */
  public long simPfn(long tracePfn) {
    long v = live.get(tracePfn);
    return v == PfnMap.MISSING ? -1 : (v >>> ORDER_BITS) - 1;
  }
}
