package io.asisim.bench.trace;

import io.asisim.sim.trace.ParsedTrace;
import io.asisim.sim.trace.TraceLoader;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tukaani.xz.XZInputStream;

/**
 * Trace parsing speed on the real -j2 kernel-build capture (traces/kbuild-j2.perf.txt.xz, 792 272
 * lines, 100 MB of text): {@link #parseText} is decompressed text in memory to {@link ParsedTrace},
 * in lines per second (the target: 10 M lines/s warm), its blocks parsed on the available
 * processors ({@code -jvmArgsAppend -Dasisim.parse.threads=1} for one thread). Run from the
 * repository root: {@code java -jar asi-bench/target/benchmarks.jar TraceParseBench}
 * (docs/performance.md, "Trace input").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class TraceParseBench {
  /** Lines of the capture (each one an alloc/free event). */
  static final int LINES = 792272;

  @Param({"traces/kbuild-j2.perf.txt.xz"})
  public String trace;

  private byte[] text;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    try (InputStream in = new XZInputStream(new BufferedInputStream(Files.newInputStream(Path.of(trace)), 1 << 16))) {
      text = in.readAllBytes();
    }
    long lines = TraceLoader.parse(new ByteArrayInputStream(text), "bench", "plain text", "perf-script", false, 0)
        .summary().lines();
    if (lines != LINES) {
      throw new IllegalStateException("expected " + LINES + " lines, got " + lines + " (ops/s would be wrong)");
    }
  }

  /** Text in memory to events: lines per second. */
  @Benchmark
  @OperationsPerInvocation(LINES)
  public ParsedTrace parseText() {
    return TraceLoader.parse(new ByteArrayInputStream(text), "bench", "plain text", "perf-script", false, 0);
  }
}
