package io.asisim.sim.trace;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.sim.slab.CacheFlags;
import io.asisim.sim.slab.SlabPages;
import io.asisim.sim.slab.SlabSensitivity;
import io.asisim.sim.slab.SlabStats;
import io.asisim.sim.slab.Slub;
import io.asisim.sim.util.LongLongMap;
import java.util.Arrays;

/**
 * Replays the slab events of a trace ({@code kmem_cache_alloc}, {@code kmalloc},
 * {@code kmem_cache_free}, {@code kfree}) through the SLUB model ({@link Slub}), whose slabs come
 * from the simulated page allocator: the pages a run's slab caches hold, and where they land
 * (sensitive or not, which pageblocks), follow from the objects the traced kernel allocated. A map
 * links each live traced object to its simulated slab.
 *
 * <p>A trace that also has page events is replayed by its page events alone: the traced kernel's
 * {@code mm_page_alloc} events include the pages its slabs took, so replaying the slab events too
 * would allocate those pages twice. Its slab events are then counted
 * ({@code trace_slab_events_not_replayed}), not replayed. What a real trace leaves inconsistent:
 * <ul>
 *   <li>a free of an object the replay never allocated (allocated before the capture):
 *       {@code trace_unmatched_frees};</li>
 *   <li>{@code kfree(NULL)}, which the kernel traces before its NULL check, and a failed
 *       allocation ({@code ptr=0}): {@code trace_slab_null_frees}, {@code trace_traced_alloc_failures};</li>
 *   <li>an allocation at a pointer still live (its free was lost): the stale object is freed first
 *       ({@code trace_lost_frees});</li>
 *   <li>a {@code kmalloc} above 8 KiB, which {@code kmalloc_large()} takes straight from the page
 *       allocator (its page events, not captured here): {@code trace_kmalloc_large}, not replayed,
 *       nor is its free.</li>
 * </ul>
 * Objects are keyed by the pointer without its top bit (kernel pointers all have it set, hashed
 * ones never). Tear-down frees the objects still live and shrinks every cache
 * ({@code kmem_cache_shrink()}), so the page allocator gets its pages back.
 */
final class SlabReplay {
  /** The value of a live kmalloc_large() object in {@link #live}. */
  private static final long LARGE = -2;
  /** {@link #simCache}: not looked up yet; {@code kmalloc-large}, which is no slab cache. */
  private static final int UNSET = -1;
  private static final int LARGE_CACHE = -2;

  private final ParsedTrace trace;
  private final boolean replayed;
  private final SlabSensitivity sensitivity;
  private final CacheFlags flags;
  private final SlabStats stats;
  private final LongLongMap live = new LongLongMap(1 << 12);
  private final Counter notReplayed;
  private final Counter unmatched;
  private final Counter nullFrees;
  private final Counter large;
  private final Counter lostFrees;
  private final Counter tracedFailures;
  private Slub slub;
  /** Trace cache id -> the model's cache id ({@link #UNSET} until first used, {@link #LARGE_CACHE}). */
  private int[] simCache;

  SlabReplay(ParsedTrace trace, Metrics metrics, SlabSensitivity sensitivity) {
    this.trace = trace;
    this.replayed = !trace.hasPageEvents();
    this.sensitivity = sensitivity;
    this.flags = CacheFlags.linux618();
    this.stats = replayed ? new SlabStats(metrics) : null;
    this.notReplayed = metrics.counter(TraceMetrics.TRACE_SLAB_NOT_REPLAYED);
    this.unmatched = metrics.counter(StandardMetrics.TRACE_UNMATCHED_FREES);
    this.nullFrees = metrics.counter(TraceMetrics.TRACE_SLAB_NULL_FREES);
    this.large = metrics.counter(TraceMetrics.TRACE_KMALLOC_LARGE);
    this.lostFrees = metrics.counter(TraceMetrics.TRACE_LOST_FREES);
    this.tracedFailures = metrics.counter(TraceMetrics.TRACE_TRACED_ALLOC_FAILURES);
    this.simCache = new int[trace.cacheNames().size()];
    Arrays.fill(simCache, UNSET);
  }

  /** Whether slab events are replayed (the trace has no page events). */
  boolean replayed() {
    return replayed;
  }

  /** Slab event {@code i} of {@code events}, on simulated CPU {@code cpu}. */
  void replay(Kernel kernel, TraceEvents events, int i, int cpu, Event ev) {
    if (!replayed) {
      notReplayed.inc();
      return;
    }
    if (slub == null) {
      slub = new Slub(kernel.nrCpus(), pages(kernel), sensitivity, stats);
    }
    long ptr = events.pfn(i);
    long key = ptr & Long.MAX_VALUE;
    if (ev == Event.KMEM_CACHE_ALLOC || ev == Event.KMALLOC) {
      alloc(cpu, ptr, key, events.cache(i), events.gfp(i));
    } else if (ptr == 0 || ptr == 16) {
      nullFrees.inc(); // kfree(NULL) or of ZERO_SIZE_PTR
    } else {
      long s = live.remove(key);
      if (s == LongLongMap.ABSENT) {
        unmatched.inc();
      } else if (s >= 0) {
        slub.free(cpu, (int) s);
      }
    }
  }

  private void alloc(int cpu, long ptr, long key, int traceCache, int gfp) {
    if (ptr == 0) {
      tracedFailures.inc();
      return;
    }
    long stale = live.remove(key);
    if (stale != LongLongMap.ABSENT) {
      lostFrees.inc();
      if (stale >= 0) {
        slub.free(cpu, (int) stale);
      }
    }
    int c = simCache[traceCache];
    if (c == UNSET) {
      String name = trace.cacheNames().get(traceCache);
      c = name.equals(KmemSlabFields.KMALLOC_LARGE) ? LARGE_CACHE
          : slub.cache(name, trace.cacheSize(traceCache), flags.reclaimable(name), flags.dma(name));
      simCache[traceCache] = c;
    }
    if (c == LARGE_CACHE) {
      large.inc();
      live.put(key, LARGE);
      return;
    }
    int s = slub.alloc(cpu, c, gfp);
    if (s >= 0) {
      live.put(key, s);
    }
  }

  private static SlabPages pages(Kernel kernel) {
    return new SlabPages() {
      @Override
      public long alloc(int cpu, int order, int gfp) {
        return kernel.allocPages(cpu, order, gfp);
      }

      @Override
      public void free(int cpu, long pfn, int order) {
        kernel.freePages(cpu, pfn, order);
      }
    };
  }

  /** Frees the objects still live (in slot order, deterministic) and shrinks every cache. */
  void releaseAll() {
    if (slub == null) {
      return;
    }
    for (int i = 0; i < live.capacity(); i++) {
      if (live.used(i) && live.valueAt(i) >= 0) {
        slub.free(0, (int) live.valueAt(i));
      }
    }
    live.clear();
    slub.shrinkAll(0);
  }

  /** The model, once the first slab event has been replayed; null before (or when not replayed). */
  Slub slub() {
    return slub;
  }
}
