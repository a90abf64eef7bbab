package io.asisim.sim.trace;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import java.util.Locale;

/**
 * The child JVM of {@link BoundedMemoryReplayTest}: parses {@code args[0]} bytes of
 * {@link GeneratedTrace} (streamed past {@link ParsedTrace#inMemoryLimit()}) and replays every
 * event against {@link RefKernel}, then prints one line of counts and the most heap it saw used.
 */
final class BigTraceReplay {
  private BigTraceReplay() {}

  public static void main(String[] args) {
    long cycles = GeneratedTrace.cyclesFor(Long.parseLong(args[0]));
    ParsedTrace t = TraceLoader.parse(() -> new GeneratedTrace(cycles), "generated", "plain text", "perf-script",
        () -> new KmemTextFormat(KmemTextFormat.Dialect.PERF_SCRIPT), false, 0, ParsedTrace.inMemoryLimit());
    Metrics metrics = new Metrics();
    TraceWorkload w = new TraceWorkload(t, 0, metrics);
    RefKernel k = new RefKernel(4096, 4);
    Runtime rt = Runtime.getRuntime();
    long maxUsed = rt.totalMemory() - rt.freeMemory();
    for (long i = 0; i < w.ops(); i++) {
      w.step(k, i);
      if ((i & 0xfffff) == 0) {
        maxUsed = Math.max(maxUsed, rt.totalMemory() - rt.freeMemory());
      }
    }
    w.tearDown(k);
    System.out.println(String.format(Locale.ROOT, "lines=%d events=%d replayed=%d unmatched=%d inMemory=%b "
        + "maxUsedMiB=%d maxHeapMiB=%d", t.summary().lines(), t.size(), metrics.get(StandardMetrics.TRACE_EVENTS.name()),
        metrics.get(StandardMetrics.TRACE_UNMATCHED_FREES.name()), t.inMemory(), maxUsed >> 20, rt.maxMemory() >> 20));
  }
}
