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
    /** {@code mm_page_free} or {@code mm_page_free_batched} (order 0). */
    FREE,
    /** A well-formed event of another type (counted in {@code trace_other_events}). */
    OTHER,
    /** A header, comment or blank line. */
    IGNORED,
    /** A line that should have been an event but could not be parsed ({@link #error} says why). */
    MALFORMED
  }

  public Kind kind;
  /** CPU column. */
  public int cpu;
  /** Timestamp in nanoseconds. */
  public long timestampNs;
  /** Page frame number. */
  public long pfn;
  /** Allocation order. */
  public int order;
  /** GFP mask ({@link io.asisim.api.mm.Gfp}) for allocations. */
  public int gfpMask;
  /** Why a MALFORMED line was rejected. */
  public String error;

  /** Resets every field before a new line. */
  public void clear() {
    kind = Kind.IGNORED;
    cpu = 0;
    timestampNs = 0;
    pfn = -1;
    order = 0;
    gfpMask = 0;
    error = null;
  }
}
