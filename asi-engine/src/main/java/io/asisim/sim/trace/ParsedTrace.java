package io.asisim.sim.trace;

import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Event;

/**
 * The alloc and free events of a trace, pre-parsed into primitive arrays (16 bytes per event) so
 * that the workload knows its op count before the first step and replay does no parsing. Immutable
 * once built: one instance may be shared by variants replaying on several host threads.
 */
public final class ParsedTrace {
  private static final Event[] EVENTS = Event.values();

  private final long[] pfn;
  private final int[] gfp;
  /** Event ordinal in bits 0..2, order in bits 3..6, CPU from bit 7. */
  private final int[] meta;
  private final int size;
  private final TraceSummary summary;

  private ParsedTrace(long[] pfn, int[] gfp, int[] meta, int size, TraceSummary summary) {
    this.pfn = pfn;
    this.gfp = gfp;
    this.meta = meta;
    this.size = size;
    this.summary = summary;
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
  public Event event(int i) {
    return EVENTS[meta[i] & 7];
  }

  /** Whether event {@code i} is an allocation. */
  public boolean isAlloc(int i) {
    return (meta[i] & 7) == Event.MM_PAGE_ALLOC.ordinal();
  }

  /** The trace CPU of event {@code i}. */
  public int cpu(int i) {
    return meta[i] >>> 7;
  }

  /** The order of event {@code i}. */
  public int order(int i) {
    return (meta[i] >>> 3) & 15;
  }

  /** The trace pfn of event {@code i}; -1 for an allocation that failed in the traced kernel. */
  public long pfn(int i) {
    return pfn[i];
  }

  /** The GFP mask of allocation {@code i}. */
  public int gfp(int i) {
    return gfp[i];
  }

  /** Whether the trace has {@code mm_page_free} events (then every batched free is a duplicate of one). */
  public boolean hasPlainFrees() {
    return summary.count(Event.MM_PAGE_FREE) > 0;
  }

  /** Collects events into growing arrays. */
  static final class Builder {
    private long[] pfn = new long[1024];
    private int[] gfp = new int[1024];
    private int[] meta = new int[1024];
    private int size;

    void add(TraceRecord r) {
      if (size == pfn.length) {
        int n = size >= (Integer.MAX_VALUE - 16) / 2 ? Integer.MAX_VALUE - 16 : size * 2;
        if (n == size) {
          throw new IllegalStateException("too many events");
        }
        pfn = java.util.Arrays.copyOf(pfn, n);
        gfp = java.util.Arrays.copyOf(gfp, n);
        meta = java.util.Arrays.copyOf(meta, n);
      }
      pfn[size] = r.pfn;
      gfp[size] = r.gfpMask;
      meta[size] = r.event.ordinal() | (r.order << 3) | (r.cpu << 7);
      size++;
    }

    int size() {
      return size;
    }

    ParsedTrace build(TraceSummary summary) {
      // trimmed: a shared trace stays in memory while variants run
      return new ParsedTrace(java.util.Arrays.copyOf(pfn, size), java.util.Arrays.copyOf(gfp, size),
          java.util.Arrays.copyOf(meta, size), size, summary);
    }
  }
}
