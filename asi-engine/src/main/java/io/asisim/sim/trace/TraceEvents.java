package io.asisim.sim.trace;

import io.asisim.api.trace.TraceRecord.Event;

/**
 * The alloc/free events of a trace as one replay reads them, by index: random access when the
 * trace is held in memory ({@link ParsedTrace}), in increasing order only when it is streamed
 * from its file ({@code StreamedEvents}). Every accessor of one index answers for the same event.
 */
public interface TraceEvents {
  /** The tracepoint of event {@code i}. */
  Event event(int i);

  /** Whether event {@code i} is an allocation. */
  boolean isAlloc(int i);

  /** The trace CPU of event {@code i}. */
  int cpu(int i);

  /** The order of event {@code i}. */
  int order(int i);

  /**
   * The trace pfn of page event {@code i} (-1 for an allocation that failed in the traced kernel);
   * the object pointer of a slab event (0 for a failed allocation or a free of NULL).
   */
  long pfn(int i);

  /** The GFP mask of allocation {@code i}. */
  int gfp(int i);

  /** The slab cache of slab allocation {@code i} (an index into the trace's cache names); -1 for other events. */
  int cache(int i);
}
