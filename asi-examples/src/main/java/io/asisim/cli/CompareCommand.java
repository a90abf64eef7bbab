package io.asisim.cli;

import io.asisim.report.Charts;
import io.asisim.report.CompareReport;
import io.asisim.report.FixWaterfall;
import io.asisim.report.Json;
import io.asisim.sim.BadInputException;
import io.asisim.sim.compare.Comparison;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Runner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        + "baseline, and print per metric: variant | samples | mean | min | max | delta vs baseline.",
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

  @Option(names = "--format", paramLabel = "table|markdown|csv|json", defaultValue = "table",
      description = "output format (default: ${DEFAULT-VALUE})")
  OutputFormat format;

  @Option(names = "--out", paramLabel = "DIR", description = "also write comparison CSV, JSON, Markdown and PNG + SVG charts into DIR")
  Path outDir;

  @Override
  public Integer call() throws IOException {
    if (samples < 1 || samples > 1000) {
      throw new BadInputException("--samples " + samples + ": must be 1..1000");
    }
    if (threads < 1 || threads > 256) {
      throw new BadInputException("--threads " + threads + ": must be 1..256");
    }
    Runner runner = new Runner(PluginRegistry.discover());
    options.warnIneffective(spec);
    Comparison comparison = new Comparison(runner, threads);
    List<Showcase.Section> sections = new ArrayList<>();
    if (options.anyGiven(spec)) {
      List<VariantConfig> variants = options.variants(runner.registry(), true);
      if (variants.stream().noneMatch(v -> v.machine().asi())) {
        throw new BadInputException("compare --asi off: nothing to compare; every comparison runs its --asi off "
            + "baseline itself, so give --asi on (the default) or on,off, or use 'run --asi off'");
      }
      sections.add(new Showcase.Section("comparison", "", variants, samples));
    } else {
      sections.addAll(Showcase.sections(runner.registry(), options.seed, samples));
    }

    long t0 = System.nanoTime();
    // every section's runs on one pool: a section's last runs do not leave host threads idle
    List<Comparison.Request> requests = new ArrayList<>();
    for (Showcase.Section s : sections) {
      requests.add(new Comparison.Request(s.title(), s.variants(), s.samples()));
    }
    List<ComparisonResult> results = new ArrayList<>();
    long runs = 0;
    try (Progress p = Progress.start(sections.size() == 1 ? sections.get(0).title() : "showcase", 1)) {
      List<ComparisonResult> rs = comparison.runAll(requests, p.listener());
      for (int i = 0; i < sections.size(); i++) {
        ComparisonResult r = rs.get(i);
        if (sections.get(i).isWaterfall()) {
          r = FixWaterfall.relabel(r, sections.get(i).steps());
        }
        results.add(r);
        runs += r.variants().stream().mapToLong(v -> v.samples().size()).sum();
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;

    // render everything before writing anything: an error leaves no half-written output
    String stdout = render(sections, results, format);
    Map<String, String> files = new LinkedHashMap<>();
    if (outDir != null) {
      files.put("comparison.csv", render(sections, results, OutputFormat.csv));
      files.put("comparison.json", render(sections, results, OutputFormat.json));
      files.put("comparison.md", render(sections, results, OutputFormat.markdown));
    }
    List<String> written = new ArrayList<>(files.keySet());
    if (outDir != null) {
      written = writeAll(outDir, files, sections, results);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(stdout);
    out.flush();
    spec.commandLine().getErr().println(String.format(Locale.ROOT, "host: %d runs in %.2f s", runs, secs)
        + (outDir != null ? "; wrote " + written.size() + " files to " + outDir : ""));
    return 0;
  }

  private String render(List<Showcase.Section> sections, List<ComparisonResult> results, OutputFormat f) {
    StringWriter sw = new StringWriter();
    PrintWriter pw = new PrintWriter(sw);
    switch (f) {
      case json: {
        var root = Json.document();
        var arr = root.putArray("comparisons");
        for (int i = 0; i < results.size(); i++) {
          var o = CompareReport.json(results.get(i));
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
          CompareReport.csv(results.get(i), new PrintWriter(one));
          String text = one.toString();
          pw.print(i == 0 ? text : text.substring(text.indexOf('\n') + 1)); // one header
        }
        break;
      default:
        for (int i = 0; i < results.size(); i++) {
          boolean md = f == OutputFormat.markdown;
          if (sections.get(i).isWaterfall()) {
            // this section's point is the summary: guide and waterfall table first, details after
            pw.println((md ? "_Reading guide:_ " : "Reading guide: ") + sections.get(i).guide());
            pw.println();
            FixWaterfall.table(results.get(i), md, pw);
          }
          CompareReport.tables(results.get(i),
              allMetrics ? CompareReport.Scope.ALL : CompareReport.Scope.DIFFERING, md, pw);
          if (!sections.get(i).guide().isEmpty() && !sections.get(i).isWaterfall()) {
            pw.println((md ? "_Reading guide:_ " : "Reading guide: ") + sections.get(i).guide());
            pw.println();
          }
        }
    }
    pw.flush();
    return sw.toString();
  }

  /** Writes into a staging directory first, then moves: a failure leaves no partial output. */
  private static List<String> writeAll(Path dir, Map<String, String> files, List<Showcase.Section> sections,
      List<ComparisonResult> results) {
    Path stage = null;
    try {
      Files.createDirectories(dir);
      stage = Files.createTempDirectory(dir, ".asi-sim-staging-");
      List<String> names = new ArrayList<>();
      for (Map.Entry<String, String> e : files.entrySet()) {
        Files.writeString(stage.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
        names.add(e.getKey());
      }
      for (int i = 0; i < results.size(); i++) {
        names.addAll(Charts.write(results.get(i), stage, "s" + (i + 1)));
        if (sections.get(i).isWaterfall()) {
          names.addAll(FixWaterfall.chart(results.get(i), stage, "s" + (i + 1) + "-fix-waterfall"));
        }
      }
      for (String n : names) {
        Files.move(stage.resolve(n), dir.resolve(n), StandardCopyOption.REPLACE_EXISTING);
      }
      return names;
    } catch (IOException e) {
      throw new BadInputException("--out " + dir + ": cannot write: " + e.getMessage());
    } finally {
      deleteQuietly(stage);
    }
  }

  private static void deleteQuietly(Path stage) {
    if (stage == null) {
      return;
    }
    try (var walk = Files.walk(stage)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover hidden staging directory is harmless
    }
  }

}
