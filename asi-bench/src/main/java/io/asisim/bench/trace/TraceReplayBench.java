package io.asisim.bench.trace;

import io.asisim.api.metrics.Metrics;
import io.asisim.sim.trace.ParsedTrace;
import io.asisim.sim.trace.TraceLoader;
import io.asisim.sim.trace.TraceReplayer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.tukaani.xz.XZInputStream;

/**
 * Trace replay speed on a real capture: {@link #parse} is text to {@link ParsedTrace} (lines per
 * second, from decompressed bytes in memory), {@link #loadXz} the same from the .xz file,
 * {@link #replay} is the replay of every alloc/free
 * event through {@link TraceReplayer} against a trivial O(1) allocator (events per second). Both
 * report per line/event thanks to the operations-per-invocation count of the shared trace; pass
 * another trace with {@code -p trace=PATH} (the counts then scale the same way only for that file's
 * size, so prefer the default).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TraceReplayBench {
  /** Lines (= alloc/free events) of the shared capture. */
  static final int SHARED_EVENTS = 72380;

  @Param({"traces/tar-gzip-docs.perf.txt.xz"})
  public String trace;

  private byte[] text;
  private ParsedTrace parsed;
  private StackAllocatorKernel kernel;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    try (InputStream in = new XZInputStream(Files.newInputStream(Path.of(trace)))) {
      text = in.readAllBytes();
    }
    parsed = TraceLoader.load(Path.of(trace), "perf-script", false, 0);
    if (parsed.size() != SHARED_EVENTS) {
      throw new IllegalStateException("expected " + SHARED_EVENTS + " events, got " + parsed.size());
    }
    kernel = new StackAllocatorKernel(2);
  }

  /** Parsing: lines per second. */
  @Benchmark
  @org.openjdk.jmh.annotations.OperationsPerInvocation(SHARED_EVENTS)
  public ParsedTrace parse() {
    return TraceLoader.parse(new ByteArrayInputStream(text), "bench", "plain text", "perf-script", false, 0);
  }

  /**
   * Decompressing the .xz file with the Java decoder and parsing it: lines per second as a replay
   * reads them where no {@code xz(1)} is installed (with one, the child decodes: docs/performance.md).
   */
  @Benchmark
  @org.openjdk.jmh.annotations.OperationsPerInvocation(SHARED_EVENTS)
  public ParsedTrace loadXz() throws IOException {
    try (InputStream in = new XZInputStream(new java.io.BufferedInputStream(Files.newInputStream(Path.of(trace)),
        1 << 16))) {
      return TraceLoader.parse(in, "bench", "xz", "perf-script", false, 0);
    }
  }

  /** Replay through the pfn remapping: events per second (tear-down of live blocks included). */
  @Benchmark
  @org.openjdk.jmh.annotations.OperationsPerInvocation(SHARED_EVENTS)
  public long replay() {
    kernel.reset();
    TraceReplayer r = new TraceReplayer(parsed, new Metrics());
    for (int i = 0; i < SHARED_EVENTS; i++) {
      r.replay(kernel, i);
    }
    r.releaseAll(kernel);
    return kernel.inUse();
  }
}
