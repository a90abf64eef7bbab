package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.report.FixWaterfall;
import io.asisim.report.RenderedChart;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.MetricValue;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report.html} of a small comparison as a person sees it: rendered by headless Chromium
 * (Debian's {@code chromium}), its screenshot is not blank, its DOM after scripts ran holds every
 * comparison's tables and charts, and no chart text lies outside its SVG or its clip (measured by
 * the browser: {@code text-fit-check.js}, injected into a test copy of the page only). Mandatory
 * in CI ({@code CI=true}); elsewhere a missing browser skips the test with one line.
 */
class ReportBrowserTest {
  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("ASI_SIM_CHROMIUM", "/usr/bin/chromium"));

  @TempDir
  static Path tmp;
  static Path out;
  static Path page;
  /** Why the browser tests cannot run here, or null. */
  static String missing;

  /** Each test is skipped, and counted as skipped, without the browser (outside CI). */
  @BeforeEach
  void browserPresent() {
    Assumptions.assumeTrue(missing == null, missing);
  }

  @BeforeAll
  static void report() throws IOException {
    if (!Files.isExecutable(CHROMIUM)) {
      String why = "ReportBrowserTest: no browser at " + CHROMIUM + " (apt-get install chromium)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why + ": mandatory in CI");
      }
      System.err.println(why + ": skipped");
      missing = why;
      return;
    }
    out = tmp.resolve("out");
    // flush policies on two mappers: bar charts with long wrapped names, and the cost-vs-exposure scatter
    Cli r = Cli.run("compare", "--workload", "kernel-build", "--mapper", "ephmap,vmalloc", "--flush",
        "local,eager-global", "--samples", "2", "--exposure-every", "16", "--set", "workload.kernel-build.ops=3000",
        "--out", out.toString());
    assertThat(r.code).as(r.err).isZero();
    String script;
    try (InputStream in = ReportBrowserTest.class.getResourceAsStream("text-fit-check.js")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html).contains("</body>");
    page = out.resolve("report-under-test.html");
    // the showcase's fix waterfall (not in a small comparison), on made-up numbers, measured too
    String waterfall = "<figure id=\"waterfall-check\">" + FixWaterfall.chart(waterfall(), "waterfall-check").svg()
        + "</figure>\n";
    // the showcase's fragmentation series (server-mix section only), on a small run, measured too
    RenderedChart chart = series();
    String series = "<figure class=\"series-check\" id=\"series-check\">" + chart.svg() + "<figcaption>"
        + chart.title() + "</figcaption></figure>\n";
    Files.writeString(page, html.replace("</body>", waterfall + series + "<script>\n" + script + "</script>\n</body>"));
  }

  /** One fragmentation series chart as ShowcaseSeries draws it: pageblock-migratetype on 256 MiB, 2000 requests. */
  private static RenderedChart series() {
    Runner runner = new Runner(PluginRegistry.discover());
    Map<PluginKind, String> sel = Map.of(PluginKind.WORKLOAD, "server-mix", PluginKind.ALLOCATOR, "pageblock-migratetype");
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, sel.keySet(),
        Settings.parse(List.of(ShowcaseSeriesTest.SETS), runner.registry()), 1, 0);
    return ShowcaseSeries.sample(runner, c).chart("series-check-chart", "server-mix, allocator=pageblock-migratetype, "
        + "seed 1", "Fragmentation over the run: free pageblocks and unusable_index; one sample, seed 1");
  }

  /** The showcase's steps and title, an overhead falling from +60 % to +5 %, and a fix that adds cost. */
  private static ComparisonResult waterfall() {
    MetricDescriptor cpo = new MetricDescriptor("cycles_per_op", "cycles", Better.LOWER, "cost");
    VariantConfig c = new VariantConfig(new MachineConfig(64L << 20, 1, true), Map.of(), Set.of(), Settings.none(), 1, 0);
    List<VariantRuns> vs = new ArrayList<>();
    vs.add(new VariantRuns("off", c, true, "off", List.of(new RunResult(c, List.of(new MetricValue(cpo, 1000, false)), 0))));
    double[] cost = {1600, 1590, 1200, 1610, 1400, 1500, 1050};
    for (int i = 0; i < cost.length; i++) {
      vs.add(new VariantRuns("v" + i, c, false, "off",
          List.of(new RunResult(c, List.of(new MetricValue(cpo, cost[i], false)), 0))));
    }
    return FixWaterfall.relabel(new ComparisonResult("What each fix is worth on kernel-build: the posted ASI "
        + "configuration, each fix alone, all", vs), Showcase.FIX_STEPS);
  }

  @Test
  void domHasEveryComparisonsTablesAndChartsAndNoTextIsClipped() throws Exception {
    Document dom = Jsoup.parse(chromium("--dump-dom", page.toUri().toString()));
    assertThat(dom.getElementById("summary")).isNotNull();
    assertThat(dom.getElementById("config").text()).contains("tool version").contains("kernel-build")
        .doesNotContain("null");
    JsonNode json = new ObjectMapper().readTree(out.resolve("comparison.json").toFile());
    List<String> titles = new ArrayList<>();
    json.get("comparisons").forEach(c -> titles.add(c.get("comparison").asText()));
    List<Element> sections = dom.select("section.comparison");
    assertThat(sections).extracting(s -> s.selectFirst("h2").text()).containsExactlyElementsOf(titles);
    String md = Files.readString(out.resolve("comparison.md"));
    long markdownTables = md.lines().filter(l -> l.startsWith("| -")).count();
    assertThat(dom.select("section.comparison .tables table")).hasSize((int) markdownTables);
    for (Element s : sections) {
      assertThat(s.select(".tables table")).as(s.id()).isNotEmpty();
      assertThat(s.select("table th").eachText()).contains("variant", "mean");
    }
    List<String> svgFiles;
    try (Stream<Path> files = Files.list(out)) {
      svgFiles = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".svg")).sorted().toList();
    }
    assertThat(svgFiles).contains("comparison-cycles-per-op.svg", "comparison-cost-vs-exposure.svg");
    List<String> figures = new ArrayList<>();
    for (Element f : dom.select("section.comparison figure.chart")) {
      assertThat(f.select("svg text")).as(f.id()).isNotEmpty();
      figures.add(f.id().replaceFirst("^chart-", "") + ".svg");
    }
    assertThat(figures).containsExactlyInAnyOrderElementsOf(svgFiles); // every chart file is inline too
    Element check = dom.getElementById("text-fit-check");
    assertThat(check).as("the measuring script ran").isNotNull();
    assertThat(dom.select("#waterfall-check svg text").eachText()).contains("interaction", "+cr3 noflush");
    assertThat(dom.select("#series-check svg text").eachText()).contains("Fragmentation over the run", "ops",
        "DMA32.Movable.sensitive", "unusable_index.DMA32.9");
    assertThat(dom.select("#series-check figcaption").text()).contains("one sample, seed 1");
    assertThat(Integer.parseInt(check.attr("data-texts"))).isGreaterThan(20 * (svgFiles.size() + 2));
    assertThat(check.attr("data-misfits")).as(check.text()).isEqualTo("0");
  }

  @Test
  void screenshotIsNotBlank() throws Exception {
    Path shot = tmp.resolve("report.png");
    chromium("--screenshot=" + shot, "--window-size=1200,1600", page.toUri().toString());
    BufferedImage img = ImageIO.read(shot.toFile());
    assertThat(img.getWidth()).isEqualTo(1200);
    double sum = 0;
    double sq = 0;
    long dark = 0;
    int n = 0;
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y);
        double lum = 0.299 * (rgb >> 16 & 0xff) + 0.587 * (rgb >> 8 & 0xff) + 0.114 * (rgb & 0xff);
        sum += lum;
        sq += lum * lum;
        dark += lum < 128 ? 1 : 0;
        n++;
      }
    }
    double variance = sq / n - (sum / n) * (sum / n);
    // a blank (or error) page is one colour: variance 0; text and tables on white give hundreds
    assertThat(variance).isGreaterThan(200);
    assertThat(dark / (double) n).isBetween(0.01, 0.5);
  }

  /** Runs headless Chromium with a fresh profile and no network use of its own; returns its stdout. */
  static String chromium(String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(tmp, "chromium-profile-");
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile));
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile(tmp, "chromium-", ".log");
    Path stdout = Files.createTempFile(tmp, "chromium-", ".out");
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(stdout.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish in 120 s: " + cmd);
    }
    assertThat(p.exitValue()).as("chromium exit; stderr: " + Files.readString(log)).isZero();
    return Files.readString(stdout);
  }
}
