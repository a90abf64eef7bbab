package io.asisim.sim.trace;

import io.asisim.api.trace.TraceRecord.Event;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What reading a trace found, for the CLI and the log.
 *
 * @param file the file as given
 * @param format the trace format used ({@code perf-script} or {@code trace-cmd})
 * @param compression {@code plain text}, {@code gzip} or {@code xz}
 * @param lines lines read
 * @param events events per tracepoint, in {@link Event} order (all tracepoints present, 0 if none)
 * @param otherEvents well-formed events that are not replayed (extfrag, zone_locked, pcpu_drain; compaction and migrate)
 * @param skippedLines malformed lines, unknown events and lines of other subsystems
 * @param lostEvents events the tracer itself reported as lost ({@code [N EVENTS DROPPED]})
 * @param firstSkipped the first few skipped lines with their reasons
 * @param maxCpu highest CPU number seen in an alloc/free event
 * @param stoppedEarly whether reading stopped at the requested number of events
 * @param compaction the sums of the trace's compaction events' fields
 */
public record TraceSummary(String file, String format, String compression, long lines, Map<Event, Long> events,
    long otherEvents, long skippedLines, long lostEvents, List<SkippedLine> firstSkipped, int maxCpu,
    boolean stoppedEarly, Compaction compaction) {

  /**
   * What the traced kernel's compaction did, summed over the trace's {@code compaction:} events
   * (include/trace/events/compaction.h), to set beside the model's {@code compact_*} counters.
   *
   * @param runs {@code mm_compaction_begin} events: {@code compact_zone()} runs
   * @param migrateScanned {@code nr_scanned} of {@code mm_compaction_isolate_migratepages}
   * @param freeScanned {@code nr_scanned} of {@code mm_compaction_isolate_freepages}
   * @param isolated {@code nr_taken} of both isolate events (as {@code compact_isolated} counts them)
   * @param migrated {@code nr_migrated} of {@code mm_compaction_migratepages}
   * @param failed {@code nr_failed} of {@code mm_compaction_migratepages}
   */
  public record Compaction(long runs, long migrateScanned, long freeScanned, long isolated, long migrated, long failed) {}

  /** Whether the trace held any {@code mm_compaction_*} or {@code mm_migrate_*} event. */
  public boolean hasCompactionEvents() {
    for (Map.Entry<Event, Long> e : events.entrySet()) {
      if (e.getKey().isCompaction() && e.getValue() > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * A skipped line.
   *
   * @param line 1-based line number
   * @param reason why it was skipped
   */
  public record SkippedLine(long line, String reason) {}

  public TraceSummary {
    events = Collections.unmodifiableMap(new EnumMap<>(events));
    firstSkipped = List.copyOf(firstSkipped);
  }

  /** Events of one tracepoint. */
  public long count(Event e) {
    Long n = events.get(e);
    return n == null ? 0 : n;
  }

  /**
   * The alloc and free events that are ops of a replay: the page events ({@code mm_page_alloc},
   * {@code mm_page_free}, {@code mm_page_free_batched}) and the slab events ({@code kmem_cache_alloc},
   * {@code kmem_cache_free}, {@code kmalloc}, {@code kfree}).
   */
  public long replayableEvents() {
    return count(Event.MM_PAGE_ALLOC) + count(Event.MM_PAGE_FREE) + count(Event.MM_PAGE_FREE_BATCHED)
        + count(Event.KMEM_CACHE_ALLOC) + count(Event.KMEM_CACHE_FREE) + count(Event.KMALLOC) + count(Event.KFREE);
  }

  /** One line: file, format, lines, events per tracepoint, other, skipped, lost. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(file).append(": ").append(format).append(" (").append(compression).append("), ")
        .append(lines).append(" lines");
    for (Map.Entry<Event, Long> e : events.entrySet()) {
      if (e.getValue() > 0) {
        sb.append(", ").append(e.getKey().tracepoint()).append('=').append(e.getValue());
      }
    }
    sb.append(String.format(Locale.ROOT, "; %d replayable, %d other, %d skipped", replayableEvents(), otherEvents,
        skippedLines));
    if (lostEvents > 0) {
      sb.append(", ").append(lostEvents).append(" lost by the tracer");
    }
    if (stoppedEarly) {
      sb.append(" (stopped at the requested number of events)");
    }
    return sb.toString();
  }
}
