package io.asisim.api.trace;

/**
 * One parsed trace line, filled in place by {@link TraceFormat#parse} so that replay allocates
 * nothing per line.
 */
public final class TraceRecord {
  /** What a line turned out to be. */
  public enum Kind {
    /** {@code mm_page_alloc}. */
    ALLOC,
    /** {@code mm_page_free} or {@code mm_page_free_batched} (order 0); {@link #event} tells which. */
    FREE,
    /** A well-formed event of another type (counted in {@code trace_other_events}). */
    OTHER,
    /** A header, comment or blank line. */
    IGNORED,
    /** A line that should have been an event but could not be parsed ({@link #error} says why). */
    MALFORMED,
    /** {@code kmem_cache_alloc} or {@code kmalloc}: an object from a slab cache ({@link #ptr}, {@link #cache}). */
    SLAB_ALLOC,
    /** {@code kmem_cache_free} or {@code kfree}: an object back to its slab cache ({@link #ptr}). */
    SLAB_FREE
  }

  /**
   * The kmem tracepoints of include/trace/events/kmem.h that a format recognizes. Legacy names of
   * older kernels map onto their successors ({@code mm_page_free_direct} became
   * {@code mm_page_free} and {@code mm_pagevec_free} became {@code mm_page_free_batched} in 3.3).
   */
  public enum Event {
    /** {@code trace_mm_page_alloc()} in {@code __alloc_pages()}: every request, also failed ones. */
    MM_PAGE_ALLOC("mm_page_alloc"),
    /** {@code trace_mm_page_free()} in {@code free_pages_prepare()}: every freed block. */
    MM_PAGE_FREE("mm_page_free"),
    /**
     * {@code trace_mm_page_free_batched()} in {@code free_unref_folios()}: an order-0 page of a
     * batch going to the pcp list; {@code free_pages_prepare()} already traced it as
     * {@link #MM_PAGE_FREE}.
     */
    MM_PAGE_FREE_BATCHED("mm_page_free_batched"),
    /** {@code trace_mm_page_alloc_extfrag()}: a migratetype fallback. */
    MM_PAGE_ALLOC_EXTFRAG("mm_page_alloc_extfrag"),
    /** {@code trace_mm_page_alloc_zone_locked()}: a block taken from the buddy lists under the zone lock. */
    MM_PAGE_ALLOC_ZONE_LOCKED("mm_page_alloc_zone_locked"),
    /** {@code trace_mm_page_pcpu_drain()}: a page moved from a pcp list back to the buddy lists. */
    MM_PAGE_PCPU_DRAIN("mm_page_pcpu_drain"),
    /**
     * {@code trace_kmem_cache_alloc()} in {@code slab_alloc_node()} (mm/slub.c): an object of a named
     * cache ({@code name=} since Linux 6.2; {@code kmem_cache_alloc_node} before 6.1 too).
     */
    KMEM_CACHE_ALLOC("kmem_cache_alloc"),
    /** {@code trace_kmem_cache_free()} in {@code kmem_cache_free()}. */
    KMEM_CACHE_FREE("kmem_cache_free"),
    /**
     * {@code trace_kmalloc()} in {@code __kmalloc()} and friends: an object of the kmalloc cache of its
     * size class, or a large allocation straight from the page allocator above 8 KiB
     * ({@code kmalloc_node} before 6.1 too).
     */
    KMALLOC("kmalloc"),
    /** {@code trace_kfree()} in {@code kfree()}: traced before the NULL check, so {@code kfree(NULL)} too. */
    KFREE("kfree"),
    /** {@code compaction:mm_compaction_begin} (include/trace/events/compaction.h): a {@code compact_zone()} run starts. */
    MM_COMPACTION_BEGIN("mm_compaction_begin"),
    /** {@code compaction:mm_compaction_isolate_migratepages}: {@code nr_scanned}, {@code nr_taken} of one scan. */
    MM_COMPACTION_ISOLATE_MIGRATEPAGES("mm_compaction_isolate_migratepages"),
    /** {@code compaction:mm_compaction_isolate_freepages}: {@code nr_scanned}, {@code nr_taken} of one scan. */
    MM_COMPACTION_ISOLATE_FREEPAGES("mm_compaction_isolate_freepages"),
    /** {@code compaction:mm_compaction_migratepages}: {@code nr_migrated}, {@code nr_failed} of one batch. */
    MM_COMPACTION_MIGRATEPAGES("mm_compaction_migratepages"),
    /**
     * Any other {@code mm_compaction_*} or {@code mm_migrate_*} tracepoint (counted, its fields not
     * read); named {@code compaction_other} here, not by a tracepoint of the kernel's.
     */
    COMPACTION_OTHER("compaction_other");

    private final String tracepoint;

    Event(String tracepoint) {
      this.tracepoint = tracepoint;
    }

    /** Whether this is an {@code mm_compaction_*} or {@code mm_migrate_*} tracepoint (counted, not replayed). */
    public boolean isCompaction() {
      return ordinal() >= MM_COMPACTION_BEGIN.ordinal();
    }

    /**
     * The tracepoint name as the kernel prints it, e.g. {@code mm_page_alloc}
     * ({@code compaction_other} for {@link #COMPACTION_OTHER}, which stands for several).
     */
    public String tracepoint() {
      return tracepoint;
    }
  }

  public Kind kind;
  /** Which tracepoint an ALLOC, FREE or OTHER line came from; null for IGNORED and unknown events. */
  public Event event;
  /** CPU column. */
  public int cpu;
  /** Timestamp in nanoseconds. */
  public long timestampNs;
  /**
   * Page frame number; {@code -1} for an {@code mm_page_alloc} that failed in the traced kernel
   * (the kernel prints {@code pfn=0} and a NULL page for it).
   */
  public long pfn;
  /** Allocation order. */
  public int order;
  /** GFP mask ({@link io.asisim.api.mm.Gfp}) for allocations. */
  public int gfpMask;
  /** Why a MALFORMED line was rejected. */
  public String error;
  /**
   * The object of a SLAB_ALLOC or SLAB_FREE ({@code ptr=}, hashed or not: only its identity is
   * used); 0 for a failed allocation or {@code kfree(NULL)}.
   */
  public long ptr;
  /**
   * The slab cache of a SLAB_ALLOC: the {@code name=} of {@code kmem_cache_alloc}, or for
   * {@code kmalloc} the kmalloc cache its size and flags select ({@code kmalloc-192},
   * {@code kmalloc-cg-64}, {@code kmalloc-rcl-1k}, {@code dma-kmalloc-8}); {@code kmalloc-large}
   * above 8 KiB. The same String instance for the same name (a format interns it). Null otherwise.
   */
  public String cache;
  /** The object size of a SLAB_ALLOC ({@code bytes_alloc=}, the cache's slot size). */
  public int bytesAlloc;
  /**
   * For an IGNORED line that reports lost events ({@code CPU:1 [221776 EVENTS DROPPED]} in
   * {@code trace-cmd report}): how many; 0 otherwise.
   */
  public long lostEvents;
  /** {@code nr_scanned=} of a compaction isolate event; 0 otherwise. */
  public long nrScanned;
  /** {@code nr_taken=} of a compaction isolate event; 0 otherwise. */
  public long nrTaken;
  /** {@code nr_migrated=} of {@code mm_compaction_migratepages}; 0 otherwise. */
  public long nrMigrated;
  /** {@code nr_failed=} of {@code mm_compaction_migratepages}; 0 otherwise. */
  public long nrFailed;

  /** Resets every field before a new line. */
  public void clear() {
    kind = Kind.IGNORED;
    event = null;
    cpu = 0;
    timestampNs = 0;
    pfn = -1;
    order = 0;
    gfpMask = 0;
    error = null;
    lostEvents = 0;
    ptr = 0;
    cache = null;
    bytesAlloc = 0;
    nrScanned = 0;
    nrTaken = 0;
    nrMigrated = 0;
    nrFailed = 0;
  }
}
