package io.asisim.cli;

import io.asisim.report.CompareReport;
import io.asisim.report.CompareSummary;
import io.asisim.report.FixWaterfall;
import io.asisim.report.Json;
import io.asisim.report.RenderedChart;
import io.asisim.sim.BadInputException;
import io.asisim.sim.compare.Comparison;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.RunExecutor;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Runner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code asi-sim compare}: the cross product of comma-listed options against the ASI-off baseline. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the cross product of comma-listed options, --samples seeds each, against the --asi off "
        + "baseline (or --reference), and print a summary, then per metric: variant | samples | mean | min | max "
        + "| delta vs the reference with its verdict (better, worse, within noise: Welch's t-test with 5+ samples "
        + "each, else Mann-Whitney U, at alpha 0.05; '1 sample' when a side has one).",
        "With no variant options it runs the built-in showcase comparison."})
final class CompareCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  VariantOptions options;

  @Option(names = "--samples", paramLabel = "N", defaultValue = "3",
      description = "seeds per variant: seed, seed+1, ... (default: ${DEFAULT-VALUE})")
  int samples;

  @Option(names = "--threads", paramLabel = "N", description = "variants run in parallel (default: host CPUs)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--all-metrics", description = "table formats: also print metrics equal in every run")
  boolean allMetrics;

  @Option(names = "--format", paramLabel = "table|markdown|lkml|csv|json", defaultValue = "table",
      description = "output format; lkml: boxed +---+ tables with units, as posted to the kernel lists "
          + "(default: ${DEFAULT-VALUE})")
  OutputFormat format;

  @Option(names = "--metrics", paramLabel = "M1,M2,...",
      description = "only these metrics, in this order, in every format and in the summary (e.g. cycles_per_op,asi_exits)")
  String metricList;

  @Option(names = "--reference", paramLabel = "LABEL",
      description = "the variant deltas and tests are taken against, by its label as the tables print it "
          + "(e.g. mapper=exit; default: each variant's --asi off baseline)")
  String reference;

  @Option(names = "--out", paramLabel = "DIR", description = {"also write into DIR: report.html (summary, "
      + "configuration, every table and chart inline; open it in a browser), comparison.csv/.json/.md, and "
      + "each chart as <comparison>-<metric>.svg. DIR is checked before anything runs: it must be "
      + "writable and empty unless --force"})
  Path outDir;

  @Option(names = "--sweep", paramLabel = "FILE", description = {"run the sweep FILE describes (YAML, or JSON "
      + "for a .json file: plugins per kind with their own parameter axes, machines, seeds, samples, metrics, "
      + "reference; docs/sweeps.md) instead of variant options on the command line"})
  Path sweep;

  @Option(names = "--dry-run", description = "list the runs (baselines, variants, seeds) and run nothing")
  boolean dryRun;

  @Option(names = "--results", paramLabel = "DIR", description = {"keep every finished run in DIR as it finishes "
      + "(one record per run, keyed by a hash of its full spec, written atomically) and reuse the runs DIR already "
      + "holds: a killed comparison, run again with the same DIR, resumes where it stopped (docs/sweeps.md)"})
  Path resultsDir;

  @Option(names = "--from-results", paramLabel = "DIR", description = "print the comparison a --results DIR holds, "
      + "from the store alone (every run must be in it); no variant options")
  Path fromResultsDir;

  @Option(names = "--engine", paramLabel = "local|spark", defaultValue = "local", description = {"where the runs "
      + "execute: local (this JVM's threads) or spark (Apache Spark, module asi-spark on the classpath: "
      + "docs/sweeps.md); the JSON is the same (default: ${DEFAULT-VALUE})"})
  String engine;

  @Option(names = "--master", paramLabel = "URL", description = "with --engine spark: the Spark master, e.g. "
      + "local[2], spark://host:7077 (default: spark.master of spark-submit, else local[--threads])")
  String master;

  @Option(names = "--jars", paramLabel = "JAR,...", description = "with --engine spark: plugin jars to ship to the "
      + "executors (spark.jars; the driver loads them from ASI_SIM_CLASSPATH or plugins/)")
  String jars;

  @Option(names = "--force", description = "with --out: write into a non-empty DIR, replacing the files of an "
      + "earlier asi-sim run there (listed in DIR/" + OutputDir.MANIFEST + "; files asi-sim did not write are kept)")
  boolean force;

  @Override
  public Integer call() {
    Comparison.checkSamples("--samples", samples);
    Comparison.checkThreads("--threads", threads);
    Runner runner = new Runner(PluginRegistry.discover());
    if (fromResultsDir != null && resultsDir != null) {
      throw new BadInputException("--from-results: not with --results (it reads a store; --results adds to one)");
    }
    ResultStore store = fromResultsDir != null ? ResultStore.existing(fromResultsDir) : resultsDir != null
        ? ResultStore.at(resultsDir) : null;
    Map<String, String> engineOptions = new java.util.TreeMap<>();
    if (master != null) {
      engineOptions.put("master", master);
    }
    if (jars != null) {
      engineOptions.put("jars", jars);
    }
    if (!engineOptions.isEmpty() && engine.equals(Engines.LOCAL)) {
      throw new BadInputException("--" + engineOptions.keySet().iterator().next()
          + ": only with --engine spark (the local engine runs in this JVM)");
    }
    RunExecutor base = Engines.create(engine, runner, threads, engineOptions);
    StoredRunExecutor stored = store == null ? null : new StoredRunExecutor(store, fromResultsDir != null ? null : base);
    RunExecutor executor = stored != null ? stored : base;
    try {
      return call(runner, executor, store, stored);
    } finally {
      base.close();
    }
  }

  private Integer call(Runner runner, RunExecutor executor, ResultStore store, StoredRunExecutor stored) {
    Comparison comparison = new Comparison(runner, executor);
    List<Showcase.Section> sections = new ArrayList<>();
    String metricList = this.metricList;
    String reference = this.reference;
    int samples = this.samples;
    boolean showcase = false; // the built-in sections, whose --out report adds ShowcaseSeries' charts
    if (fromResultsDir != null) {
      refuseVariantOptions("--from-results", "the store's " + ResultStore.MANIFEST + " says what ran");
      if (sweep != null) {
        throw new BadInputException("--from-results: not with --sweep (the store's " + ResultStore.MANIFEST
            + " says what ran)");
      }
      SweepManifest m = SweepManifest.fromJson(store.manifest(), runner.registry());
      sections.addAll(m.sections());
      metricList = m.metrics();
      reference = m.reference();
    } else if (sweep != null) {
      refuseVariantOptions("--sweep", "the variants, samples and metrics come from the file; give %s there (docs/sweeps.md)");
      SweepFile file = SweepFile.load(sweep, runner.registry());
      List<VariantConfig> variants = file.variants(runner.registry());
      if (variants.stream().noneMatch(v -> v.machine().asi())) {
        throw new BadInputException(sweep + ": asi: off only: nothing to compare (every comparison runs its "
            + "asi off baseline itself)");
      }
      UnusedSettings.warnings(file.options().sets, variants).forEach(spec.commandLine().getErr()::println);
      samples = file.samples();
      metricList = file.metrics();
      reference = file.reference();
      sections.add(new Showcase.Section(file.title(), "", variants, samples));
    } else if (options.anyGiven(spec)) {
      List<VariantConfig> variants = options.variants(runner.registry(), true);
      options.warnIneffective(spec, variants);
      if (variants.stream().noneMatch(v -> v.machine().asi())) {
        throw new BadInputException("compare --asi off: nothing to compare; every comparison runs its --asi off "
            + "baseline itself, so give --asi on (the default) or on,off, or use 'run --asi off'");
      }
      sections.add(new Showcase.Section("comparison", "", variants, samples));
    } else {
      sections.addAll(Showcase.sections(runner.registry(), options.seed, samples));
      showcase = true;
      options.warnIneffective(spec, List.of()); // only --check-every can be given here, not --set
    }
    CompareSelection selection = CompareSelection.parse(metricList, reference, runner.registry(), comparison, sections);
    if (dryRun) {
      spec.commandLine().getOut().print(DryRun.list(comparison, sections));
      if (store != null) {
        spec.commandLine().getOut().print(DryRun.stored(comparison, sections, store));
      }
      spec.commandLine().getOut().flush();
      return 0;
    }
    if (fromResultsDir == null && runsInThisJvm()) { // --from-results runs nothing; a cluster's heaps are its own
      List<VariantConfig> all = new ArrayList<>();
      long planned = 0;
      for (Showcase.Section s : sections) {
        all.addAll(s.variants());
        planned += comparison.runs(new Comparison.Request(s.title(), s.variants(), s.samples())).size();
      }
      HeapBudget.check(all, (int) Math.min(threads, planned));
    }
    if (resultsDir != null) {
      store.claim(new SweepManifest(sections, metricList, reference).toJson());
    }

    if (force && outDir == null) {
      throw new BadInputException("--force: only with --out DIR (it lets --out replace an earlier report)");
    }
    // before any simulation: a bad --out costs nothing
    OutputDir out = outDir == null ? null : OutputDir.open(outDir, force);
    long t0 = System.nanoTime();
    // every section's runs on one pool: a section's last runs do not leave host threads idle
    List<Comparison.Request> requests = new ArrayList<>();
    for (Showcase.Section s : sections) {
      requests.add(new Comparison.Request(s.title(), s.variants(), s.samples()));
    }
    List<ComparisonResult> results = new ArrayList<>();
    long runs = 0;
    try (Progress p = Progress.start(sections.size() == 1 ? sections.get(0).title() : "showcase", 1)) {
      List<ComparisonResult> rs = new Comparison(runner, p.counting(executor)).runAll(requests, p.listener());
      for (int i = 0; i < sections.size(); i++) {
        ComparisonResult r = rs.get(i);
        if (sections.get(i).isWaterfall()) {
          r = FixWaterfall.relabel(r, sections.get(i).steps());
        }
        results.add(selection.apply(r));
        runs += r.variants().stream().mapToLong(v -> v.samples().size()).sum();
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;

    // the tables first: a failure writing --out loses nothing already printed
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.print(render(sections, results, format, selection));
    stdout.flush();
    for (String m : selection.unreported(results)) {
      spec.commandLine().getErr().println("warning: --metrics " + m + ": no run reported this metric");
    }
    List<String> written = List.of();
    if (out != null) {
      Map<String, String> data = new LinkedHashMap<>();
      data.put("comparison.csv", render(sections, results, OutputFormat.csv, selection));
      data.put("comparison.json", render(sections, results, OutputFormat.json, selection));
      data.put("comparison.md", render(sections, results, OutputFormat.markdown, selection));
      List<String> markdown = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        markdown.add(render(sections.subList(i, i + 1), results.subList(i, i + 1), OutputFormat.markdown, selection));
      }
      List<List<RenderedChart>> extra = new ArrayList<>();
      if (showcase) { // extra inspection runs, after the comparison: its runs and metrics stay as they were
        for (List<ShowcaseSeries.Output> os : ShowcaseSeries.of(runner, sections, results, ReportFiles.ids(results), threads)) {
          os.forEach(o -> data.put(o.csvName(), o.csv()));
          extra.add(os.stream().map(ShowcaseSeries.Output::chart).toList());
        }
      }
      written = out.write(ReportFiles.build(sections, results, data, markdown, extra));
    }
    spec.commandLine().getErr().println(String.format(Locale.ROOT, "host: %d runs in %.2f s", runs, secs)
        + (outDir != null ? "; wrote " + written.size() + " files to " + outDir + " (open "
            + outDir.resolve(ReportFiles.REPORT) + ")" : "")
        + (stored != null ? String.format(Locale.ROOT, "; %d read from %s, %d run and stored", stored.reused(),
            store.dir(), stored.ran()) : ""));
    return 0;
  }

  /** Whether the runs execute in this JVM: the local engine, or Spark in local mode. */
  private boolean runsInThisJvm() {
    String m = master != null ? master : System.getProperty("spark.master", "local[");
    return engine.equals(Engines.LOCAL) || m.startsWith("local[");
  }

  /** With {@code --sweep} or {@code --from-results} the variants are given: options that would also define them are refused. */
  private void refuseVariantOptions(String mode, String why) {
    for (picocli.CommandLine.Model.OptionSpec o : spec.options()) {
      String name = o.longestName();
      boolean variantOption = name.equals("--samples") || name.equals("--metrics") || name.equals("--reference")
          || name.equals("--seed") || name.startsWith("--check") || name.equals("--exposure-every")
          || VariantOptions.isVariantOption(name);
      if (variantOption && spec.commandLine().getParseResult().hasMatchedOption(o)) {
        throw new BadInputException(name + ": with " + mode + " " + String.format(why, name.substring(2)));
      }
    }
  }

  private String render(List<Showcase.Section> sections, List<ComparisonResult> results, OutputFormat f,
      CompareSelection sel) {
    StringWriter sw = new StringWriter();
    PrintWriter pw = new PrintWriter(sw);
    switch (f) {
      case json: {
        var root = Json.document();
        var arr = root.putArray("comparisons");
        for (int i = 0; i < results.size(); i++) {
          var o = CompareReport.json(results.get(i), CompareReport.metrics(results.get(i), CompareReport.Scope.ALL,
              sel.metrics()));
          o.put("guide", sections.get(i).guide());
          if (sections.get(i).isWaterfall()) {
            var steps = o.putArray("fix_waterfall");
            for (FixWaterfall.Step st : FixWaterfall.steps(results.get(i))) {
              var so = steps.addObject();
              so.put("step", st.label());
              Json.putNumber(so, "overhead", st.overhead(), false);
              Json.putNumber(so, "removed", st.removed(), false);
              Json.putNumber(so, "share", st.share(), false);
            }
          }
          arr.add(o);
        }
        pw.print(Json.write(root));
        break;
      }
      case csv:
        for (int i = 0; i < results.size(); i++) {
          StringWriter one = new StringWriter();
          CompareReport.csv(results.get(i), CompareReport.metrics(results.get(i), CompareReport.Scope.ALL,
              sel.metrics()), new PrintWriter(one));
          String text = one.toString();
          pw.print(i == 0 ? text : text.substring(text.indexOf('\n') + 1)); // one header
        }
        break;
      default:
        CompareReport.Style style = f == OutputFormat.markdown ? CompareReport.Style.MARKDOWN
            : f == OutputFormat.lkml ? CompareReport.Style.LKML : CompareReport.Style.TEXT;
        CompareSummary.printAll(results, sel.metrics(), style, pw); // what to act on first
        for (int i = 0; i < results.size(); i++) {
          boolean md = f == OutputFormat.markdown;
          if (sections.get(i).isWaterfall()) {
            // this section's point is the summary: guide and waterfall table first, details after
            pw.println((md ? "_Reading guide:_ " : "Reading guide: ") + sections.get(i).guide());
            pw.println();
            FixWaterfall.table(results.get(i), style, pw);
          }
          CompareReport.tables(results.get(i), CompareReport.tableMetrics(results.get(i),
              allMetrics ? CompareReport.Scope.ALL : CompareReport.Scope.DIFFERING, sel.metrics()), style, pw);
          if (!sections.get(i).guide().isEmpty() && !sections.get(i).isWaterfall()) {
            pw.println((md ? "_Reading guide:_ " : "Reading guide: ") + sections.get(i).guide());
            pw.println();
          }
        }
    }
    pw.flush();
    return sw.toString();
  }
}
