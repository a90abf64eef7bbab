package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.plugin.PluginKind;
import io.asisim.report.RenderedChart;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.MetricValue;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The showcase's server-mix fragmentation series in {@code compare --out}, on a small server-mix
 * (256 MiB, 2000 requests) with two strategies and the --asi off baseline: exact columns, one row per progress point, the
 * same bytes on one thread or two, the same CSV as {@code pagetypeinfo --series}, and the charts
 * in report.html under their section only.
 */
class ShowcaseSeriesTest {
  static final String[] SETS = {"workload.server-mix.ops=2000", "workload.server-mix.server-memory=128M",
      "workload.server-mix.heap-pages=2048"};
  static final String STEM = "allocator-strategies-under-memory-pressure-fragmentation-";

  static final String BASELINE = "baseline (asi off)";
  static final MetricDescriptor CPO = new MetricDescriptor("cycles_per_op", "cycles", Better.LOWER, "cost");

  static Runner runner;
  static List<Showcase.Section> sections;
  static List<ComparisonResult> results;
  static List<List<ShowcaseSeries.Output>> one;

  /** The server-mix section (its first sample at seed 5, as with --seed 5) and another section after it. */
  @BeforeAll
  static void series() {
    runner = new Runner(PluginRegistry.discover());
    List<VariantConfig> vs = new ArrayList<>();
    List<VariantRuns> runs = new ArrayList<>();
    for (String allocator : new String[] {null, "pageblock-migratetype", "unmapped-pool"}) {
      Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
      sel.put(PluginKind.WORKLOAD, "server-mix");
      sel.put(PluginKind.ALLOCATOR, allocator == null ? "pageblock-migratetype" : allocator);
      VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, allocator != null), sel,
          EnumSet.of(PluginKind.WORKLOAD, PluginKind.ALLOCATOR), Settings.parse(List.of(SETS), runner.registry()), 5, 0);
      if (allocator != null) {
        vs.add(c);
      }
      List<MetricValue> m = List.of(new MetricValue(CPO, allocator == null ? 1000 : 1100, false));
      runs.add(new VariantRuns(allocator == null ? BASELINE : "allocator=" + allocator, c, allocator == null, BASELINE,
          List.of(new RunResult(c, m, 0), new RunResult(c.withSeed(6), m, 0))));
    }
    sections = List.of(new Showcase.Section(Showcase.SERVER_MIX_TITLE + " [flush mm-global]", "guide", vs, 2),
        new Showcase.Section("Mappers on fio-randread: x", "", List.of(), 1));
    results = List.of(new ComparisonResult(sections.get(0).title(), runs),
        new ComparisonResult(sections.get(1).title(), List.of()));
    one = ShowcaseSeries.of(runner, sections, results, ReportFiles.ids(results), 1);
  }

  @Test
  void aCsvPerStrategyWithFragSeriesColumnsAndARowPerSample() {
    assertThat(one).hasSize(2);
    assertThat(one.get(1)).as("only the server-mix section").isEmpty();
    assertThat(one.get(0)).extracting(ShowcaseSeries.Output::csvName).containsExactly(
        STEM + "baseline-asi-off.csv", STEM + "pageblock-migratetype.csv", STEM + "unmapped-pool.csv");
    // 256 MiB: zones DMA and DMA32; five migratetypes (no CMA); pageblock-migratetype's two
    // sensitivities each, sensitive first (under ASI only); then one unusable index per zone at order 9
    List<String> pbm = new ArrayList<>(List.of("ops"));
    List<String> pool = new ArrayList<>(List.of("ops"));
    for (String zone : new String[] {"DMA", "DMA32"}) {
      for (String mt : new String[] {"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate"}) {
        pbm.add("free_pageblocks." + zone + "." + mt + ".sensitive");
        pbm.add("free_pageblocks." + zone + "." + mt + ".nonsensitive");
        pool.add("free_pageblocks." + zone + "." + mt);
      }
    }
    for (List<String> h : List.of(pbm, pool)) {
      h.add("unusable_index.DMA.9");
      h.add("unusable_index.DMA32.9");
    }
    assertThat(pbm).hasSize(23);
    assertThat(pool).hasSize(13);
    List<List<String>> headers = List.of(pool, pbm, pool);
    for (int k = 0; k < 3; k++) {
      List<String> lines = one.get(0).get(k).csv().lines().toList();
      assertThat(lines.get(0).split(",")).containsExactlyElementsOf(headers.get(k));
      assertThat(lines).hasSize(1 + 200); // a sample every 2000 / 200 = 10 requests
      long last = 0;
      for (String l : lines.subList(1, lines.size())) {
        String[] f = l.split(",");
        assertThat(f).hasSize(headers.get(k).size());
        long ops = Long.parseLong(f[0]);
        assertThat(ops).isGreaterThan(last);
        last = ops;
        assertThat(Long.parseLong(f[f.length - 1])).isBetween(0L, 1000L);
      }
      assertThat(last).isEqualTo(2000);
    }
  }

  @Test
  void sameBytesOnTwoThreadsAndTheSameCsvAsPagetypeinfo() {
    List<List<ShowcaseSeries.Output>> two = ShowcaseSeries.of(runner, sections, results, ReportFiles.ids(results), 2);
    for (int k = 0; k < 3; k++) {
      ShowcaseSeries.Output a = one.get(0).get(k);
      ShowcaseSeries.Output b = two.get(0).get(k);
      assertThat(b.csvName()).isEqualTo(a.csvName());
      assertThat(b.csv()).isEqualTo(a.csv());
      assertThat(b.chart().svg()).isEqualTo(a.chart().svg());
      assertThat(b.chart().title()).isEqualTo(a.chart().title());
    }
    List<String> cmd = new ArrayList<>(List.of("pagetypeinfo", "--workload", "server-mix", "--allocator",
        "unmapped-pool", "--memory", "256M", "--cpus", "2", "--seed", "5", "--series"));
    for (String s : SETS) {
      cmd.add("--set");
      cmd.add(s);
    }
    Cli c = Cli.run(cmd.toArray(String[]::new));
    assertThat(c.code).as(c.err).isZero();
    assertThat(one.get(0).get(2).csv()).isEqualTo(c.out);
  }

  @Test
  void chartsAndCaptionsInTheirSectionOfReportHtml() {
    RenderedChart pbm = one.get(0).get(1).chart();
    assertThat(pbm.fileName()).isEqualTo(STEM + "pageblock-migratetype.svg");
    assertThat(pbm.svg()).startsWith("<svg id='" + pbm.stem() + "'")
        .contains("Fragmentation over the run").contains("server-mix, allocator=pageblock-migratetype, seed 5");
    assertThat(pbm.title()).contains("and sensitivity").contains("sampled every 10 ops; one sample, seed 5")
        .endsWith("Data: " + STEM + "pageblock-migratetype.csv");
    assertThat(one.get(0).get(2).chart().title()).doesNotContain("sensitivity");
    assertThat(one.get(0).get(0).chart().title()).startsWith("Fragmentation over the run, baseline (asi off): ");

    Map<String, String> data = new LinkedHashMap<>();
    data.put("comparison.csv", "x\n");
    List<List<RenderedChart>> extra = new ArrayList<>();
    for (List<ShowcaseSeries.Output> os : one) {
      os.forEach(o -> data.put(o.csvName(), o.csv()));
      extra.add(os.stream().map(ShowcaseSeries.Output::chart).toList());
    }
    Map<String, byte[]> files = ReportFiles.build(sections, results, data, List.of("", ""), extra);
    assertThat(files.keySet()).contains(STEM + "pageblock-migratetype.csv", STEM + "unmapped-pool.csv",
        STEM + "pageblock-migratetype.svg", STEM + "unmapped-pool.svg");
    assertThat(new String(files.get(STEM + "unmapped-pool.svg"), StandardCharsets.UTF_8))
        .isEqualTo(one.get(0).get(2).chart().svg());
    var page = Jsoup.parse(new String(files.get(ReportFiles.REPORT), StandardCharsets.UTF_8));
    Element section = page.getElementById("allocator-strategies-under-memory-pressure");
    // after the section's own charts (here its one metric's)
    assertThat(section.select("figure.chart")).extracting(Element::id).containsExactly(
        "chart-allocator-strategies-under-memory-pressure-cycles-per-op", "chart-" + STEM + "baseline-asi-off",
        "chart-" + STEM + "pageblock-migratetype", "chart-" + STEM + "unmapped-pool");
    Element fig = section.select("figure.chart").get(2);
    assertThat(fig.select("svg text").eachText()).contains("Fragmentation over the run", "ops",
        "server-mix, allocator=pageblock-migratetype, seed 5", "DMA32.Movable.sensitive", "unusable_index.DMA32.9");
    assertThat(fig.selectFirst("figcaption").text()).contains("one sample, seed 5")
        .contains("free pageblocks").contains("unusable_index");
    assertThat(page.getElementById("mappers-fio-randread").select("figure")).isEmpty();
    assertThat(page.getElementById("config").select("a").eachText()).contains(STEM + "unmapped-pool.csv");
  }
}
