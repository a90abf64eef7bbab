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
    MALFORMED
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
    MM_PAGE_PCPU_DRAIN("mm_page_pcpu_drain");

    private final String tracepoint;

    Event(String tracepoint) {
      this.tracepoint = tracepoint;
    }

    /** The tracepoint name as the kernel prints it, e.g. {@code mm_page_alloc}. */
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
   * For an IGNORED line that reports lost events ({@code CPU:1 [221776 EVENTS DROPPED]} in
   * {@code trace-cmd report}): how many; 0 otherwise.
   */
  public long lostEvents;

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
  }
}
