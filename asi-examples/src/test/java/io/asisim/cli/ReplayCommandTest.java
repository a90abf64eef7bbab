package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.trace.PerfScriptFormatPlugin;
import io.asisim.sim.trace.TraceCmdFormatPlugin;
import io.asisim.sim.trace.TraceWorkloadPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code asi-sim replay} argument handling: which variants it builds and how bad input fails.
 * Running the variants needs the simulated machine and the allocators, so the plan is checked
 * against a registry of stand-in allocator descriptors (never discovered, never created).
 */
class ReplayCommandTest {
  @TempDir
  Path tmp;

  /** An allocator descriptor that only has to exist by name for the plan. */
  private record NamedAllocator(String name) implements Plugin<PageAllocator> {
    @Override
    public PluginKind kind() {
      return PluginKind.ALLOCATOR;
    }

    @Override
    public String description() {
      return "stand-in";
    }

    @Override
    public PageAllocator create(Params params, SimContext ctx) {
      throw new UnsupportedOperationException("plan only");
    }
  }

  private static final PluginRegistry REGISTRY = PluginRegistry.of(List.of(
      new NamedAllocator("buddy"), new NamedAllocator("pageblock-migratetype"), new NamedAllocator("unmapped-pool"),
      new TraceWorkloadPlugin(), new PerfScriptFormatPlugin(), new TraceCmdFormatPlugin()));

  private Path trace(int maxCpu) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int cpu = 0; cpu <= maxCpu; cpu++) {
      sb.append(String.format(Locale.ROOT, "            perf  6291 [%03d]   298.507100:         kmem:mm_page_alloc: "
          + "page=0x%x pfn=0x%x order=0 migratetype=0 gfp_flags=GFP_KERNEL%n", cpu, 0x100 + cpu, 0x100 + cpu));
    }
    Path f = tmp.resolve("t.txt");
    Files.writeString(f, sb.toString());
    return f;
  }

  private static ReplayCommand.Plan plan(String... args) {
    ReplayCommand cmd = new ReplayCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.plan(REGISTRY);
  }

  @Test
  void defaultsReplayBothStrategiesOnTheTracesCpus() throws IOException {
    Path f = trace(5);
    ReplayCommand.Plan p = plan(f.toString());
    assertThat(p.variants()).extracting(v -> v.selected(PluginKind.ALLOCATOR))
        .containsExactly("pageblock-migratetype", "unmapped-pool");
    VariantConfig v = p.variants().get(0);
    assertThat(v.machine().asi()).isTrue();
    assertThat(v.machine().cpus()).isEqualTo(6); // trace CPUs 0..5
    assertThat(v.machine().memoryBytes()).isEqualTo(16L << 30);
    assertThat(v.selected(PluginKind.WORKLOAD)).isEqualTo("trace");
    assertThat(v.settings().forPlugin(PluginKind.WORKLOAD, "trace"))
        .containsEntry("file", f.toAbsolutePath().normalize().toString())
        .containsEntry("format", "auto")
        .containsEntry("strict", "false");
    // the baseline of the comparison is the same variant with ASI off: the plain buddy
    assertThat(v.withAsi(false).selected(PluginKind.ALLOCATOR)).isEqualTo("buddy");
    assertThat(p.summary().replayableEvents()).isEqualTo(6);
  }

  @Test
  void optionsReachTheVariants() throws IOException {
    Path f = trace(1);
    ReplayCommand.Plan p = plan(f.toString(), "--allocator", "unmapped-pool", "--memory", "4G", "--cpus", "3",
        "--strict", "--trace-format", "perf-script", "--seed", "9", "--check");
    assertThat(p.variants()).hasSize(1);
    VariantConfig v = p.variants().get(0);
    assertThat(v.selected(PluginKind.ALLOCATOR)).isEqualTo("unmapped-pool");
    assertThat(v.machine().cpus()).isEqualTo(3);
    assertThat(v.machine().memoryBytes()).isEqualTo(4L << 30);
    assertThat(v.seed()).isEqualTo(9);
    assertThat(v.checkEvery()).isEqualTo(1);
    assertThat(v.settings().forPlugin(PluginKind.WORKLOAD, "trace"))
        .containsEntry("format", "perf-script").containsEntry("strict", "true");
  }

  @Test
  void badInputIsOneLine() throws IOException {
    Path f = trace(0);
    assertThatThrownBy(() -> plan(f.toString(), "--allocator", "nope"))
        .isInstanceOf(BadInputException.class)
        .hasMessage("--allocator: unknown allocator 'nope' (valid: buddy, pageblock-migratetype, unmapped-pool)");
    assertThatThrownBy(() -> plan(f.toString(), "--allocator", "buddy,"))
        .hasMessage("--allocator 'buddy,': empty value");
    assertThatThrownBy(() -> plan(f.toString(), "--memory", "65M"))
        .hasMessage("--memory '65M': must be a multiple of 2M from 64M to 4T");
    assertThatThrownBy(() -> plan(f.toString(), "--cpus", "0")).hasMessage("--cpus 0: must be an integer 1..256");
    assertThatThrownBy(() -> plan(f.toString(), "--trace-format", "ftrace"))
        .hasMessage("--trace-format 'ftrace' (valid: auto, perf-script, trace-cmd)");
    assertThatThrownBy(() -> plan(f.toString(), "--set", "workload.trace.ops=5"))
        .hasMessageStartingWith("--set workload.trace.ops: replay sets the trace workload's parameters itself");
    Path missing = tmp.resolve("missing.txt");
    assertThatThrownBy(() -> plan(missing.toString())).hasMessageStartingWith(missing + ": no such file");
  }

  @Test
  void strictTurnsASkippedLineIntoAnError() throws IOException {
    Path f = tmp.resolve("bad.txt");
    Files.writeString(f, "            perf  6291 [001]   298.507100:         kmem:mm_page_alloc: page=0x1 pfn=0x1 "
        + "order=0 migratetype=0 gfp_flags=GFP_KERNEL\nnot a trace line\n");
    assertThat(plan(f.toString()).summary().skippedLines()).isEqualTo(1);
    assertThatThrownBy(() -> plan(f.toString(), "--strict"))
        .hasMessageStartingWith(f.toAbsolutePath().normalize() + ":2: no '[cpu] seconds.fraction:' header");
  }

  @Test
  void cliReportsErrorsOnOneLineWithExit2() {
    Cli fmt = Cli.run("replay", "x.txt", "--format", "csv");
    assertThat(fmt.code).isEqualTo(2);
    assertThat(fmt.out).isEmpty();
    assertThat(fmt.err).isEqualTo("asi-sim: --format csv: replay supports table, json\n");
    Cli none = Cli.run("replay");
    assertThat(none.code).isEqualTo(2);
    assertThat(none.err.strip()).startsWith("asi-sim: Missing required parameter: 'TRACE'").doesNotContain("\n");
  }
}
