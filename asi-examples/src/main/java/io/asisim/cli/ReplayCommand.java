package io.asisim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.report.CompareReport;
import io.asisim.report.Json;
import io.asisim.report.TextTable;
import io.asisim.sim.BadInputException;
import io.asisim.sim.compare.Comparison;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.MetricValue;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import io.asisim.sim.trace.ParsedTrace;
import io.asisim.sim.trace.TraceFormats;
import io.asisim.sim.trace.TraceLoader;
import io.asisim.sim.trace.TraceSummary;
import io.asisim.sim.trace.TraceWorkloadPlugin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code asi-sim replay TRACE}: replays a {@code perf script} / {@code trace-cmd report} kmem trace
 * with each allocator strategy, against the plain buddy allocator with ASI off, and
 * prints per-strategy metrics. The trace is read once up front (bad input fails before anything
 * runs; the variants reuse the parsed trace) and its summary is printed with the results.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Replay a perf script / trace-cmd report kmem trace (plain, .gz or .xz) with each allocator "
        + "strategy, against the plain buddy allocator with ASI off.",
        "Capture one with: perf record -e kmem:mm_page_alloc -e kmem:mm_page_free -a -- CMD; perf script > trace.txt"})
final class ReplayCommand implements Callable<Integer> {
  /** Strategies replayed when {@code --allocator} is not given (the baseline adds the plain buddy). */
  static final List<String> DEFAULT_ALLOCATORS = List.of("pageblock-migratetype", "unmapped-pool");

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "TRACE", description = "perf script or trace-cmd report text (.xz/.gz ok)")
  Path trace;

  @Option(names = "--allocator", paramLabel = "A[,B]",
      description = "allocator strategies to replay with (default: pageblock-migratetype,unmapped-pool)")
  String allocators;

  @Option(names = "--sensitivity", paramLabel = "S", description = "sensitivity classifier (default: gfp-sensitive)")
  String sensitivity;

  @Option(names = "--cpu-profile", paramLabel = "P", description = "CPU cost profile (default: sapphire-rapids)")
  String cpuProfile;

  @Option(names = "--memory", paramLabel = "SIZE",
      description = "simulated memory, e.g. 16G (default: 16G, or the size --initial-state implies)")
  String memory;

  @Option(names = "--initial-state", paramLabel = "FILE",
      description = "seed the allocators' free pages from a real /proc/pagetypeinfo (as 'pagetypeinfo "
          + "--initial-state' does); sizes memory from it")
  Path initialState;

  @Option(names = "--cpus", paramLabel = "N",
      description = "simulated CPUs; trace CPU c runs on c %% N (default: the trace's CPU count)")
  Integer cpus;

  @Option(names = "--trace-format", paramLabel = "auto|NAME", defaultValue = "auto",
      description = "trace-format plugin, e.g. perf-script, trace-cmd (see 'asi-sim plugins'; default: "
          + "${DEFAULT-VALUE}: sniffed from the first event lines)")
  String traceFormat;

  @Option(names = "--strict", description = "fail (exit 2) on the first malformed or unknown trace line")
  boolean strict;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--set", paramLabel = "KIND.NAME.PARAM=VALUE",
      description = "override a plugin parameter, e.g. allocator.unmapped-pool.pool=sensitive (repeatable)")
  List<String> sets = new ArrayList<>();

  @Option(names = "--check", description = "verify allocator invariants after every replayed event (exit 3)")
  boolean check;

  @Option(names = "--all-metrics", description = "table format: also print metrics equal in every run")
  boolean allMetrics;

  @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
      description = "output format (default: ${DEFAULT-VALUE})")
  OutputFormat format;

  @Override
  public Integer call() {
    OutputFormat.requireTableOrJson(format, "replay");
    Runner runner = new Runner(PluginRegistry.discover());
    Plan plan = plan(runner.registry());
    UnusedSettings.warnings(sets, plan.variants()).forEach(spec.commandLine().getErr()::println);
    HeapBudget.check(plan.variants(), Math.min(Runtime.getRuntime().availableProcessors(),
        2 * plan.variants().size()));
    Comparison comparison = new Comparison(runner, Runtime.getRuntime().availableProcessors());
    long t0 = System.nanoTime();
    ComparisonResult result;
    try (Progress p = Progress.start("replay", 1)) {
      result = comparison.run("replay " + trace.getFileName(), plan.variants(), 1, p.listener());
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    String text = render(plan.summary(), result); // all of it before printing anything
    PrintWriter out = spec.commandLine().getOut();
    out.print(text);
    out.flush();
    long events = 0;
    for (var v : result.variants()) {
      events += Math.round(v.stats("trace_events").mean());
    }
    spec.commandLine().getErr().println(String.format(Locale.ROOT, "host: %d runs in %.2f s, %.0f replayed events/s",
        result.variants().size(), secs, secs > 0 ? events / secs : 0));
    return 0;
  }

  /** The parsed trace and the variants to run. */
  record Plan(TraceSummary summary, List<VariantConfig> variants) {}

  /**
   * Validates the options against {@code registry}, reads the trace and builds one variant per
   * allocator (ASI on; {@link Comparison} adds the ASI-off buddy baseline). Runs nothing.
   */
  Plan plan(PluginRegistry registry) {
    List<String> allocs = allocators == null ? DEFAULT_ALLOCATORS : VariantOptions.split("--allocator", allocators, true);
    for (String a : allocs) {
      VariantOptions.requireKnown(registry, PluginKind.ALLOCATOR, "--allocator", a);
    }
    Map<PluginKind, String> common = new EnumMap<>(PluginKind.class);
    Set<PluginKind> explicit = EnumSet.of(PluginKind.WORKLOAD, PluginKind.ALLOCATOR);
    common.put(PluginKind.WORKLOAD, TraceWorkloadPlugin.NAME);
    VariantOptions.requireKnown(registry, PluginKind.WORKLOAD, "replay", TraceWorkloadPlugin.NAME);
    if (sensitivity != null) {
      VariantOptions.requireKnown(registry, PluginKind.SENSITIVITY, "--sensitivity", sensitivity);
      common.put(PluginKind.SENSITIVITY, sensitivity);
      explicit.add(PluginKind.SENSITIVITY);
    }
    if (cpuProfile != null) {
      VariantOptions.requireKnown(registry, PluginKind.CPU_PROFILE, "--cpu-profile", cpuProfile);
      common.put(PluginKind.CPU_PROFILE, cpuProfile);
      explicit.add(PluginKind.CPU_PROFILE);
    }
    long bytes = initialState != null ? InitialState.memoryBytes(initialState, memory, memory != null)
        : VariantOptions.parseMemory(memory != null ? memory : "16G");
    if (cpus != null && (cpus < 1 || cpus > MachineConfig.MAX_CPUS)) {
      throw new BadInputException("--cpus " + cpus + ": must be an integer 1.." + MachineConfig.MAX_CPUS);
    }
    TraceFormats formats = TraceFormats.of(registry);
    formats.require("--trace-format", traceFormat);
    Settings settings = Settings.parse(sets, registry);
    for (String key : settings.flat().keySet()) {
      if (key.startsWith("workload." + TraceWorkloadPlugin.NAME + ".")) {
        throw new BadInputException("--set " + key + ": replay sets the trace workload's parameters itself "
            + "(use TRACE, --trace-format, --strict)");
      }
    }
    if (initialState != null) {
      settings = InitialState.seedAllocators(settings, initialState, registry);
    }
    Path file = trace.toAbsolutePath().normalize();
    settings = settings.with(PluginKind.WORKLOAD, TraceWorkloadPlugin.NAME, "file", file.toString())
        .with(PluginKind.WORKLOAD, TraceWorkloadPlugin.NAME, "format", traceFormat)
        .with(PluginKind.WORKLOAD, TraceWorkloadPlugin.NAME, "strict", Boolean.toString(strict));

    // read the trace now: bad input fails before any variant runs, and the variants reuse it
    ParsedTrace parsed = TraceLoader.load(file, formats, traceFormat, strict, 0);
    TraceSummary summary = parsed.summary();
    int nrCpus = cpus != null ? cpus : Math.min(MachineConfig.MAX_CPUS, summary.maxCpu() + 1);

    List<VariantConfig> variants = new ArrayList<>();
    for (String a : allocs) {
      Map<PluginKind, String> sel = new EnumMap<>(common);
      sel.put(PluginKind.ALLOCATOR, a);
      variants.add(new VariantConfig(new MachineConfig(bytes, nrCpus, true), sel, explicit, settings, seed,
          check ? 1 : 0));
    }
    return new Plan(summary, variants);
  }

  private String render(TraceSummary summary, ComparisonResult result) {
    StringWriter sw = new StringWriter();
    PrintWriter pw = new PrintWriter(sw);
    if (format == OutputFormat.json) {
      ObjectNode root = Json.document();
      root.set("trace", summaryJson(summary));
      root.set("replay", CompareReport.json(result));
      pw.print(Json.write(root));
    } else {
      printSummary(summary, result, pw);
      CompareReport.tables(result, allMetrics ? CompareReport.Scope.ALL : CompareReport.Scope.DIFFERING, false, pw);
    }
    pw.flush();
    return sw.toString();
  }

  private static void printSummary(TraceSummary s, ComparisonResult result, PrintWriter out) {
    out.println("trace: " + s.describe());
    for (TraceSummary.SkippedLine l : s.firstSkipped()) {
      out.println("  skipped line " + l.line() + ": " + l.reason());
    }
    if (s.skippedLines() > s.firstSkipped().size()) {
      out.println("  ... " + (s.skippedLines() - s.firstSkipped().size()) + " more skipped lines");
    }
    // the trace_* counters do not depend on the allocator: show them once, from the first run
    RunResult first = result.variants().get(0).samples().get(0);
    TextTable t = new TextTable("trace metric", ">value", "meaning");
    for (MetricValue m : first.metrics()) {
      if (m.name().startsWith("trace_")) {
        t.row(m.name(), Long.toString(Math.round(m.value())), m.descriptor().description());
      }
    }
    out.println();
    t.printText(out);
    out.println();
  }

  private static ObjectNode summaryJson(TraceSummary s) {
    ObjectNode o = Json.object();
    o.put("file", s.file());
    o.put("format", s.format());
    o.put("compression", s.compression());
    o.put("lines", s.lines());
    ObjectNode ev = o.putObject("events");
    for (Event e : Event.values()) {
      if (!e.isCompaction() || s.hasCompactionEvents()) { // compaction ones when captured
        ev.put(e.tracepoint(), s.count(e));
      }
    }
    o.put("replayable_events", s.replayableEvents());
    o.put("other_events", s.otherEvents());
    o.put("skipped_lines", s.skippedLines());
    o.put("lost_events", s.lostEvents());
    ArrayNode skipped = o.putArray("first_skipped");
    for (TraceSummary.SkippedLine l : s.firstSkipped()) {
      ObjectNode x = skipped.addObject();
      x.put("line", l.line());
      x.put("reason", l.reason());
    }
    o.put("max_cpu", s.maxCpu());
    return o;
  }
}
