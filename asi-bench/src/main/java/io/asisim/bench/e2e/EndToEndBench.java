package io.asisim.bench.e2e;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The simulator end to end, as {@code asi-sim run} drives it: each invocation builds a variant
 * (Guice injector, machine, allocator, plugins), runs the workload's set-up and its ops, and
 * collects the metrics. Scores are simulated operations per host second: {@code fio-randread}
 * reads, {@code kernel-build} steps, and trace events replayed through the real allocator
 * (the shared perf capture, all of it). Variant construction and set-up are part of the cost, as
 * they are for a user; with these op counts they are a small share.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EndToEndBench {
  static final int FIO_OPS = 50_000;
  static final int BUILD_OPS = 50_000;
  /** Alloc/free events of traces/tar-gzip-docs.perf.txt.xz (relative to the repository root, where the benchmarks run). */
  static final int TRACE_EVENTS = 72_380;

  /** The mapper of the fio run: {@code exit} (an asi_exit per read) or an aliasing one. */
  @Param({"exit", "ephmap"})
  public String mapper;

  @Param({"traces/tar-gzip-docs.perf.txt.xz"})
  public String trace;

  private Runner runner;
  private VariantConfig fio;
  private VariantConfig build;
  private VariantConfig replay;

  @Setup
  public void setUp() {
    PluginRegistry registry = PluginRegistry.discover();
    runner = new Runner(registry);
    fio = variant(registry, new MachineConfig(4L << 30, 4, true), Map.of(PluginKind.WORKLOAD, "fio-randread",
        PluginKind.MAPPER, mapper, PluginKind.FLUSH, "precise"),
        List.of("workload.fio-randread.ops=" + FIO_OPS, "workload.fio-randread.file-size=64M"));
    build = variant(registry, new MachineConfig(4L << 30, 8, true), Map.of(PluginKind.WORKLOAD, "kernel-build",
        PluginKind.MAPPER, mapper, PluginKind.FLUSH, "precise"), List.of("workload.kernel-build.ops=" + BUILD_OPS));
    replay = variant(registry, new MachineConfig(16L << 30, 8, true), Map.of(PluginKind.WORKLOAD, "trace"),
        List.of("workload.trace.file=" + trace));
    check(runner.run(fio), FIO_OPS);
    check(runner.run(build), BUILD_OPS);
    if (runner.run(replay).get("trace_events") != TRACE_EVENTS) {
      throw new IllegalStateException("expected " + TRACE_EVENTS + " trace events in " + trace);
    }
  }

  private static VariantConfig variant(PluginRegistry registry, MachineConfig m, Map<PluginKind, String> sel,
      List<String> sets) {
    Map<PluginKind, String> s = new EnumMap<>(sel);
    return new VariantConfig(m, s, s.keySet(), Settings.parse(sets, registry), 1, 0);
  }

  private static void check(RunResult r, long ops) {
    if (r.get("ops") != ops) {
      throw new IllegalStateException("expected " + ops + " ops, got " + r.get("ops"));
    }
  }

  /** fio-randread reads per second. */
  @Benchmark
  @OperationsPerInvocation(FIO_OPS)
  public RunResult fioRandread() {
    return runner.run(fio);
  }

  /** kernel-build steps per second. */
  @Benchmark
  @OperationsPerInvocation(BUILD_OPS)
  public RunResult kernelBuild() {
    return runner.run(build);
  }

  /** Trace events replayed per second (parse, decompress and replay through pageblock-migratetype). */
  @Benchmark
  @OperationsPerInvocation(TRACE_EVENTS)
  public RunResult traceReplay() {
    return runner.run(replay);
  }
}
