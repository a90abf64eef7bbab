package io.asisim.sim.trace;

import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.sim.BadInputException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The alloc and free events of a trace, pre-parsed into primitive arrays (16 bytes per event) so
 * that the workload knows its op count before the first step and replay does no parsing. Immutable
 * once built: one instance may be shared by variants replaying on several host threads.
 *
 * <p>A trace with more events than {@link #inMemoryLimit()} (an eighth of the heap, at most
 * {@value #MAX_IN_MEMORY} events) is not held: the first reading counts it, and each replay
 * streams its events from the file again ({@link #events()}, {@code StreamedEvents}), so replaying
 * a trace of many GB takes bounded memory (docs/testing.md, "Traces in bounded memory").
 */
public final class ParsedTrace implements TraceEvents {
  /** Most events held in memory (64 MiB of arrays). */
  public static final int MAX_IN_MEMORY = 1 << 22;
  /** Bytes per held event: pfn (or a slab object's ptr), gfp and packed event/order/cpu (slab events: 4 more, the cache). */
  static final int BYTES_PER_EVENT = 16;
  private static final Event[] EVENTS = Event.values();

  private final long[] pfn;
  private final int[] gfp;
  /** Event ordinal in bits 0..3, order in bits 4..7, CPU from bit 8. */
  private final int[] meta;
  /** The slab cache of each event (an index into {@link #cacheNames}; -1 for a free or a page event); null without slab events. */
  private final int[] cache;
  private final List<String> cacheNames;
  private final int[] cacheSizes;
  private final Map<String, Integer> cacheIds;
  private final int size;
  private final TraceSummary summary;
  /** Where to stream the events from when they are not held; null when they are. */
  private final StreamedEvents.Source source;

  private ParsedTrace(long[] pfn, int[] gfp, int[] meta, int[] cache, Map<String, Integer> cacheIds, int[] cacheSizes,
      int size, TraceSummary summary, StreamedEvents.Source source) {
    this.pfn = pfn;
    this.gfp = gfp;
    this.meta = meta;
    this.cache = cache;
    this.cacheIds = Map.copyOf(cacheIds);
    String[] names = new String[cacheIds.size()];
    cacheIds.forEach((n, id) -> names[id] = n);
    this.cacheNames = List.of(names);
    this.cacheSizes = cacheSizes;
    this.size = size;
    this.summary = summary;
    this.source = source;
  }

  /**
   * Events held in memory at most: an eighth of the heap this JVM may grow to, capped at
   * {@value #MAX_IN_MEMORY}; a longer trace that can be read again is streamed.
   */
  public static int inMemoryLimit() {
    return (int) Math.min(MAX_IN_MEMORY, Runtime.getRuntime().maxMemory() / 8 / BYTES_PER_EVENT);
  }

  /** An event's tracepoint, order and CPU in one int, as {@link #meta} holds them. */
  static int pack(Event event, int order, int cpu) {
    return event.ordinal() | (order << 4) | (cpu << 8);
  }

  /** Whether the events are held in memory (else each replay streams them: {@link #events()}). */
  public boolean inMemory() {
    return source == null;
  }

  /**
   * The events for one replay: this trace itself when held in memory, else a reader of its own
   * that streams them from the file in order.
   */
  public TraceEvents events() {
    return source == null ? this : new StreamedEvents(source, size, cacheIds);
  }

  /** Fails clearly (not with a NullPointerException) when the events are streamed, not held. */
  private void held() {
    if (source != null) {
      throw new IllegalStateException(source.name() + ": " + size + " events streamed from the file, not held in "
          + "memory: read them through events()");
    }
  }

  /** Number of alloc/free events. */
  public int size() {
    return size;
  }

  /** What reading the file found. */
  public TraceSummary summary() {
    return summary;
  }

  /** The tracepoint of event {@code i}: MM_PAGE_ALLOC, MM_PAGE_FREE or MM_PAGE_FREE_BATCHED. */
  @Override
  public Event event(int i) {
    held();
    return EVENTS[meta[i] & 15];
  }

  /** Whether event {@code i} is an allocation. */
  @Override
  public boolean isAlloc(int i) {
    held();
    return (meta[i] & 15) == Event.MM_PAGE_ALLOC.ordinal();
  }

  /** The trace CPU of event {@code i}. */
  @Override
  public int cpu(int i) {
    held();
    return meta[i] >>> 8;
  }

  /** The order of event {@code i}. */
  @Override
  public int order(int i) {
    held();
    return (meta[i] >>> 4) & 15;
  }

  /** The trace pfn of event {@code i}; -1 for an allocation that failed in the traced kernel. */
  @Override
  public long pfn(int i) {
    held();
    return pfn[i];
  }

  /** The GFP mask of allocation {@code i}. */
  @Override
  public int gfp(int i) {
    held();
    return gfp[i];
  }

  /** The slab cache of slab allocation {@code i} (an index into {@link #cacheNames()}); -1 for other events. */
  @Override
  public int cache(int i) {
    held();
    return cache == null ? -1 : cache[i];
  }

  /** The slab caches the trace's allocations name, by id. */
  public List<String> cacheNames() {
    return cacheNames;
  }

  /** The slot size of cache {@code id}: the {@code bytes_alloc} of its first allocation. */
  public int cacheSize(int id) {
    return cacheSizes[id];
  }

  /** Whether the trace has page events ({@code mm_page_alloc}, {@code mm_page_free}, {@code mm_page_free_batched}). */
  public boolean hasPageEvents() {
    return summary.count(Event.MM_PAGE_ALLOC) + summary.count(Event.MM_PAGE_FREE)
        + summary.count(Event.MM_PAGE_FREE_BATCHED) > 0;
  }

  /** Whether the trace has slab events ({@code kmem_cache_alloc}, {@code kmem_cache_free}, {@code kmalloc}, {@code kfree}). */
  public boolean hasSlabEvents() {
    return summary.count(Event.KMEM_CACHE_ALLOC) + summary.count(Event.KMEM_CACHE_FREE) + summary.count(Event.KMALLOC)
        + summary.count(Event.KFREE) > 0;
  }

  /** Whether the trace has {@code mm_page_free} events (then every batched free is a duplicate of one). */
  public boolean hasPlainFrees() {
    return summary.count(Event.MM_PAGE_FREE) > 0;
  }

  /**
   * Collects events into growing arrays, up to {@code limit} of them; past that, when the trace
   * can be read again, it drops them and only counts (the trace is then streamed).
   */
  static final class Builder {
    private long[] pfn = new long[1024];
    private int[] gfp = new int[1024];
    private int[] meta = new int[1024];
    private int[] cache;
    private final Map<String, Integer> cacheIds = new HashMap<>();
    private int[] cacheSizes = new int[16];
    private int size;
    private final int limit;
    private final StreamedEvents.Source source;
    private boolean spilled;

    /** A builder holding every event. */
    Builder() {
      this(Integer.MAX_VALUE, null);
    }

    Builder(int limit, StreamedEvents.Source source) {
      this.limit = limit;
      this.source = source;
    }

    /**
     * Appends the first {@code n} events of {@code block} (merged in file order), giving its slab
     * caches the trace's ids: a name first seen here gets the next id, so ids follow first sight in
     * the file however the blocks were parsed.
     */
    void add(TraceBlock block, int n) {
      if ((long) size + n > Integer.MAX_VALUE - 16) {
        throw new BadInputException(source == null ? "trace: more than " + (Integer.MAX_VALUE - 16)
            + " alloc/free events" : source.name() + ": more than " + (Integer.MAX_VALUE - 16) + " alloc/free events "
            + "(valid: fewer; or replay the first events with --set workload.trace.ops=N)");
      }
      int[] ids = globalIds(block);
      if (!spilled && source != null && (long) size + n > limit) {
        spilled = true; // from here on only counted: replays stream the events
        pfn = null;
        gfp = null;
        meta = null;
        cache = null;
      }
      if (spilled) {
        size += n;
        return;
      }
      if (size + n > pfn.length) {
        long want = Math.max((long) size + n, 2L * pfn.length);
        int len = (int) Math.min(want, source != null ? limit : Integer.MAX_VALUE - 16);
        pfn = java.util.Arrays.copyOf(pfn, len);
        gfp = java.util.Arrays.copyOf(gfp, len);
        meta = java.util.Arrays.copyOf(meta, len);
        if (cache != null) {
          cache = java.util.Arrays.copyOf(cache, len);
        }
      }
      if (block.slab && cache == null) {
        cache = new int[pfn.length];
        java.util.Arrays.fill(cache, 0, size, -1);
      }
      System.arraycopy(block.pfn, 0, pfn, size, n);
      System.arraycopy(block.gfp, 0, gfp, size, n);
      System.arraycopy(block.meta, 0, meta, size, n);
      if (cache != null) {
        if (block.slab) {
          for (int i = 0; i < n; i++) {
            int local = block.cache[i];
            cache[size + i] = local < 0 ? -1 : ids[local];
          }
        } else {
          java.util.Arrays.fill(cache, size, size + n, -1);
        }
      }
      size += n;
    }

    /** The trace's ids of the block's caches (by local id), registering the names seen first here. */
    private int[] globalIds(TraceBlock block) {
      int[] ids = new int[block.cacheNames.size()];
      for (int local = 0; local < ids.length; local++) {
        String name = block.cacheNames.get(local);
        Integer id = cacheIds.get(name);
        if (id == null) {
          id = cacheIds.size();
          cacheIds.put(name, id);
          if (id == cacheSizes.length) {
            cacheSizes = java.util.Arrays.copyOf(cacheSizes, id * 2);
          }
          cacheSizes[id] = block.cacheSizes[local];
        }
        ids[local] = id;
      }
      return ids;
    }

    int size() {
      return size;
    }

    ParsedTrace build(TraceSummary summary) {
      if (spilled) {
        return new ParsedTrace(null, null, null, null, cacheIds, cacheSizes, size, summary, source);
      }
      // trimmed: a shared trace stays in memory while variants run
      return new ParsedTrace(java.util.Arrays.copyOf(pfn, size), java.util.Arrays.copyOf(gfp, size),
          java.util.Arrays.copyOf(meta, size), cache == null ? null : java.util.Arrays.copyOf(cache, size), cacheIds,
          cacheSizes, size, summary, null);
    }
  }
}
