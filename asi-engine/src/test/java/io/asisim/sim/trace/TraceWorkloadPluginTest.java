package io.asisim.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.kernel.Workload;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.PluginKind;
import io.asisim.fixtures.TestContext;
import io.asisim.sim.BadInputException;
import io.asisim.sim.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;

/** The {@code trace} workload plugin through its descriptor, as the runner builds and drives it. */
class TraceWorkloadPluginTest {
  private final Metrics metrics = new Metrics();
  private final TraceWorkloadPlugin plugin = new TraceWorkloadPlugin();

  /** The only services the workload asks of its variant: the metrics and the trace formats. */
  private final TestContext ctx = new TestContext().withMetrics(metrics).withPlugins(k -> PluginRegistry.discover().ofKind(k));

  @Test
  void isDiscoveredWithTheTraceFormats() {
    PluginRegistry r = PluginRegistry.discover(getClass().getClassLoader());
    assertThat(r.has(PluginKind.WORKLOAD, "trace")).isTrue();
    assertThat(r.ofKind(PluginKind.TRACE_FORMAT)).containsKeys("perf-script", "trace-cmd");
  }

  @Test
  void replaysTheWholeTraceByDefault() {
    Workload w = plugin.create(Params.of(plugin, "file", Traces.resource("cp-docs-6.18.perf.txt.gz").toString()), ctx);
    assertThat(w.ops()).isEqualTo(1854);
    assertThat(metrics.get("trace_other_events")).isEqualTo(113 + 33);
    assertThat(metrics.get("trace_skipped_lines")).isZero();
    RefKernel k = new RefKernel(1 << 16, 2);
    w.setUp(k);
    for (long i = 0; i < w.ops(); i++) {
      w.step(k, i);
    }
    assertThat(metrics.get("trace_live_blocks_at_end")).isEqualTo(285);
    w.tearDown(k);
    assertThat(metrics.get("trace_events")).isEqualTo(1854);
    assertThat(metrics.get("trace_live_blocks_at_end")).isZero();
    assertThat(k.freePages()).isEqualTo(k.totalPages());
    assertThat(k.cpusSeen.cardinality()).isEqualTo(2);
  }

  @Test
  void opsLimitsTheEventsReplayed() {
    Workload w = plugin.create(Params.of(plugin, "file", Traces.resource("tar-gzip-docs.perf.txt.xz").toString(),
        "ops", "1000", "format", "perf-script"), ctx);
    assertThat(w.ops()).isEqualTo(1000);
  }

  @Test
  void fileIsRequired() {
    assertThatThrownBy(() -> plugin.create(Params.of(plugin), ctx)).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("workload.trace.file is not set (valid: a perf script or trace-cmd report text file");
  }

  @Test
  void strictRejectsTheFirstBadLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path f = tmp.resolve("t.txt");
    java.nio.file.Files.writeString(f, Traces.alloc(0, 0x10, 0, "GFP_KERNEL") + "\n"
        + Traces.alloc(0, 0x20, 0, "GFP_KERNEL|__GFP_NOT_A_FLAG") + "\n");
    Workload lenient = plugin.create(Params.of(plugin, "file", f.toString()), ctx);
    assertThat(lenient.ops()).isEqualTo(1);
    assertThat(metrics.get("trace_skipped_lines")).isEqualTo(1);
    assertThatThrownBy(() -> plugin.create(Params.of(plugin, "file", f.toString(), "strict", "true"), ctx))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(f + ":2: bad gfp_flags: unknown GFP flag '__GFP_NOT_A_FLAG'");
  }
}
