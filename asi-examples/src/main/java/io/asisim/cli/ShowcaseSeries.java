package io.asisim.cli;

import io.asisim.pagealloc.FragSeries;
import io.asisim.report.FragTimeSeries;
import io.asisim.report.RenderedChart;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.Runner;
import io.asisim.sim.util.Workers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fragmentation time series of the showcase's server-mix section in {@code compare --out}:
 * the section's tables give each strategy's totals at the end, these show how its free
 * pageblocks and unusable index move while kswapd evicts. One extra inspection run per variant
 * of the section (the baseline too), on its first sample's config (machine, seed, settings), as
 * {@code pagetypeinfo --series} runs it: the comparison's runs and their metrics are untouched.
 */
final class ShowcaseSeries {
  private static final Logger LOG = LoggerFactory.getLogger(ShowcaseSeries.class);

  private ShowcaseSeries() {}

  /**
   * One variant's series as the report shows it.
   *
   * @param csvName the data file, {@code <section>-fragmentation-<variant>.csv}
   * @param csv its content ({@link FragTimeSeries#csv})
   * @param chart its chart, inlined in the section and written as {@code <csvName stem>.svg}
   */
  record Output(String csvName, String csv, RenderedChart chart) {}

  /** Whether the report shows series for {@code s}: the server-mix strategies section. */
  static boolean applies(Showcase.Section s) {
    return s.title().startsWith(Showcase.SERVER_MIX_TITLE);
  }

  /**
   * The samples of {@code config}'s run, at the runner's progress points (about 200, every
   * {@code max(1, ops / 200)} ops), in {@link FragSeries}' columns.
   */
  static FragTimeSeries sample(Runner runner, VariantConfig config) {
    List<String> names = new ArrayList<>();
    List<Long> ops = new ArrayList<>();
    List<long[]> rows = new ArrayList<>();
    runner.inspectVariant(config, true, (v, done) -> {
      if (names.isEmpty()) {
        names.addAll(FragSeries.names(v.allocator()));
      }
      ops.add(done);
      rows.add(FragSeries.sample(v.allocator()));
    }, v -> { });
    return new FragTimeSeries(names, ops, rows);
  }

  /**
   * Per section, its series ({@link #applies}; empty for the others), the inspection runs on up to
   * {@code threads} host threads. Each run is independent and the outputs are collected in variant
   * order, so the files do not depend on {@code threads}.
   *
   * @param ids the sections' file-name slugs ({@link ReportFiles#ids})
   */
  static List<List<Output>> of(Runner runner, List<Showcase.Section> sections, List<ComparisonResult> results,
      List<String> ids, int threads) {
    List<List<Job>> jobs = new ArrayList<>();
    int n = 0;
    for (int i = 0; i < sections.size(); i++) {
      List<Job> js = new ArrayList<>();
      if (applies(sections.get(i))) {
        Set<String> stems = new HashSet<>();
        for (VariantRuns v : results.get(i).variants()) {
          String base = ids.get(i) + "-fragmentation-" + RenderedChart.slug(shortLabel(v.label()));
          String stem = base;
          for (int k = 2; !stems.add(stem); k++) {
            stem = base + "-" + k;
          }
          js.add(new Job(stem, v.label(), v.samples().get(0).config()));
          n++;
        }
      }
      jobs.add(js);
    }
    List<List<Output>> out = new ArrayList<>();
    if (n == 0) {
      jobs.forEach(js -> out.add(List.of()));
      return out;
    }
    ExecutorService pool = Workers.pool("asi-sim-series", Math.min(threads, n));
    try {
      List<List<Future<FragTimeSeries>>> futures = new ArrayList<>();
      for (List<Job> js : jobs) {
        List<Future<FragTimeSeries>> fs = new ArrayList<>();
        for (Job j : js) {
          LOG.debug("fragmentation series {}: {} seed {}", j.stem, j.label, j.config.seed());
          fs.add(pool.submit(() -> sample(runner, j.config)));
        }
        futures.add(fs);
      }
      for (int i = 0; i < jobs.size(); i++) {
        List<Output> os = new ArrayList<>();
        for (int k = 0; k < jobs.get(i).size(); k++) {
          os.add(output(jobs.get(i).get(k), Workers.join(futures.get(i).get(k), "sampling the fragmentation series")));
        }
        out.add(os);
      }
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  /** What one series run is for: its file stem, the variant's label and the config it runs. */
  private record Job(String stem, String label, VariantConfig config) {}

  private static Output output(Job j, FragTimeSeries s) {
    String csvName = j.stem + ".csv";
    boolean sensitivities = s.names().stream().anyMatch(c -> c.endsWith(".sensitive"));
    String every = s.ops().isEmpty() ? "" : " every " + s.ops().get(0) + " ops";
    String caption = "Fragmentation over the run, " + j.label + ": free pageblocks (free blocks of order 9 and "
        + "up, in pageblocks) per zone and migratetype" + (sensitivities ? " and sensitivity" : "")
        + " (left axis; series that stay at 0 are left out) and each zone's unusable_index at order 9 "
        + "(right axis), sampled" + every + "; one sample, seed " + j.config.seed() + " (a separate "
        + "inspection run, as pagetypeinfo --series). Data: " + csvName;
    String subtitle = "server-mix, " + j.label + ", seed " + j.config.seed();
    return new Output(csvName, s.csv(), s.chart(j.stem, subtitle, caption));
  }

  /** A label without the parameter's plugin prefix: {@code allocator.unmapped-pool.pooled=x} is {@code pooled=x}. */
  static String shortLabel(String label) {
    return label.replace("allocator=", "").replaceAll("[\\w.-]+\\.([\\w-]+=)", "$1");
  }
}
