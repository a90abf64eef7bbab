package io.asisim.sim.trace;

import io.asisim.api.trace.TraceRecord.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a trace's lines came to besides the held events: events per tracepoint, lines, other events,
 * skipped lines (with the first few), lost events, the highest CPU, the compaction tally and whether
 * the event limit stopped the reading. A {@link TraceBlock} keeps one for its lines (line numbers
 * relative to the block); {@link TraceBlocks} adds them up in file order.
 */
final class TraceTally {
  final long[] counts = new long[Event.values().length];
  long lines;
  long other;
  long skipped;
  long lost;
  int maxCpu;
  boolean stopped;
  final long[] compaction = new long[CompactionFields.TALLY];
  /** The first {@link TraceLoader#REPORTED_SKIPS} skipped lines: line number and reason. */
  final List<TraceSummary.SkippedLine> firstSkipped = new ArrayList<>();

  void clear() {
    Arrays.fill(counts, 0);
    lines = 0;
    other = 0;
    skipped = 0;
    lost = 0;
    maxCpu = 0;
    stopped = false;
    Arrays.fill(compaction, 0);
    firstSkipped.clear();
  }

  /** Adds {@code o}'s counts (not its skipped lines, whose numbers need the block's offset, nor the stop). */
  void addCounts(TraceTally o) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += o.counts[i];
    }
    for (int i = 0; i < compaction.length; i++) {
      compaction[i] += o.compaction[i];
    }
    lines += o.lines;
    other += o.other;
    lost += o.lost;
    maxCpu = Math.max(maxCpu, o.maxCpu);
  }
}
