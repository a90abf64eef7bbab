package io.asisim.sim.trace;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.sim.slab.SlabSensitivity;

/**
 * The {@code trace} workload: op {@code i} replays alloc/free event {@code i} of a pre-parsed
 * trace ({@link TraceReplayer}); tear-down frees what the trace left allocated. What reading the
 * file found ({@code trace_skipped_lines}, {@code trace_other_events}, {@code trace_lost_events})
 * is recorded once, when the workload is built, as gauges (a result reports a gauge's value, not its
 * change over the ops), so they equal the trace summary's figures.
 */
public final class TraceWorkload implements Workload {
  private final ParsedTrace trace;
  private final TraceReplayer replayer;
  private final long ops;

  /**
   * A workload replaying the first {@code ops} events of {@code trace} (all when 0 or more than
   * the trace has).
   */
  public TraceWorkload(ParsedTrace trace, long ops, Metrics metrics) {
    this(trace, ops, metrics, SlabSensitivity.RECLAIMABLE);
  }

  /** The same, with the slab caches' sensitivity {@code slabSensitivity} (when slab events are replayed). */
  public TraceWorkload(ParsedTrace trace, long ops, Metrics metrics, SlabSensitivity slabSensitivity) {
    this.trace = trace;
    this.ops = ops <= 0 ? trace.size() : Math.min(ops, trace.size());
    this.replayer = new TraceReplayer(trace, metrics, slabSensitivity);
    TraceSummary s = trace.summary();
    // gauges, not counters: a result is the counters' change over the ops, and these are set before
    // the first op, so as counters they always read 0 beside the summary's non-zero figures
    metrics.gauge(StandardMetrics.TRACE_SKIPPED_LINES).set(s.skippedLines());
    metrics.gauge(StandardMetrics.TRACE_OTHER_EVENTS).set(s.otherEvents());
    metrics.gauge(TraceMetrics.TRACE_LOST_EVENTS).set(s.lostEvents());
    if (s.hasCompactionEvents()) { // what the traced kernel's compaction did, beside the model's compact_*
      TraceSummary.Compaction c = s.compaction();
      metrics.gauge(TraceMetrics.TRACE_COMPACTION_RUNS).set(c.runs());
      metrics.gauge(TraceMetrics.TRACE_COMPACTION_MIGRATE_SCANNED).set(c.migrateScanned());
      metrics.gauge(TraceMetrics.TRACE_COMPACTION_FREE_SCANNED).set(c.freeScanned());
      metrics.gauge(TraceMetrics.TRACE_COMPACTION_ISOLATED).set(c.isolated());
      metrics.gauge(TraceMetrics.TRACE_COMPACTION_MIGRATED).set(c.migrated());
      metrics.gauge(TraceMetrics.TRACE_COMPACTION_FAILED).set(c.failed());
    }
  }

  /** The replayer (its slab model, for {@code /proc/slabinfo}). */
  public TraceReplayer replayer() {
    return replayer;
  }

  /** The trace being replayed. */
  public ParsedTrace trace() {
    return trace;
  }

  @Override
  public long ops() {
    return ops;
  }

  @Override
  public void step(Kernel kernel, long index) {
    replayer.replay(kernel, (int) index);
  }

  @Override
  public void tearDown(Kernel kernel) {
    replayer.releaseAll(kernel);
  }
}
