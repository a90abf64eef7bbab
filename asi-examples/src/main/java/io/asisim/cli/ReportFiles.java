package io.asisim.cli;

import io.asisim.report.Charts;
import io.asisim.report.FixWaterfall;
import io.asisim.report.HtmlReport;
import io.asisim.report.RenderedChart;
import io.asisim.sim.compare.ComparisonResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files {@code compare --out} writes, in the order they are written: the data (CSV, JSON,
 * Markdown), {@code report.html} (the index: every table and chart inline), then each chart as
 * {@code <comparison>-<metric>.svg}. A comparison's name is a slug of its title.
 */
final class ReportFiles {
  /** The page that is the index of an {@code --out} folder. */
  static final String REPORT = "report.html";

  private static final Set<String> FILLER = Set.of("a", "an", "the", "on", "of", "and", "each", "what", "is", "with");

  private ReportFiles() {}

  /**
   * All files of one {@code --out}.
   *
   * @param data name to content of the data files, in order
   * @param markdown per comparison, its {@code --format markdown} report
   * @param extra per comparison, charts shown after its own ({@link ShowcaseSeries}'s), or empty
   */
  static Map<String, byte[]> build(List<Showcase.Section> sections, List<ComparisonResult> results,
      Map<String, String> data, List<String> markdown, List<List<RenderedChart>> extra) {
    Map<String, byte[]> out = new LinkedHashMap<>(OutputDir.utf8(data));
    List<String> ids = ids(results);
    List<HtmlReport.Section> page = new ArrayList<>();
    List<RenderedChart> charts = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      List<RenderedChart> cs = new ArrayList<>();
      if (sections.get(i).isWaterfall()) {
        cs.add(FixWaterfall.chart(results.get(i), ids.get(i) + "-fix-waterfall"));
      }
      cs.addAll(Charts.of(results.get(i), ids.get(i)));
      cs.addAll(extra.isEmpty() ? List.of() : extra.get(i));
      page.add(new HtmlReport.Section(ids.get(i), results.get(i), sections.get(i).guide(), markdown.get(i), cs));
      charts.addAll(cs);
    }
    io.asisim.sim.api.BuildInfo build = io.asisim.sim.api.BuildInfo.current(); // the JSON's version fields too
    String commit = build.gitCommit().equals(io.asisim.sim.api.BuildInfo.UNKNOWN) ? null : build.gitCommit();
    String html = HtmlReport.render(new HtmlReport.Build(build.toolVersion(), commit, List.copyOf(data.keySet())), page);
    out.put(REPORT, html.getBytes(StandardCharsets.UTF_8));
    for (RenderedChart c : charts) {
      out.put(c.fileName(), c.svg().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * A short file-name slug per comparison: its title up to a colon or parenthesis, without filler
   * words, at most five words ("Mappers on fio-randread: ..." is {@code mappers-fio-randread}); a
   * repeated slug gets {@code -2}, {@code -3}, ...
   */
  static List<String> ids(List<ComparisonResult> results) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ComparisonResult r : results) {
      String head = r.title().split("[:(]", 2)[0];
      List<String> words = new ArrayList<>();
      for (String w : RenderedChart.slug(head).split("-")) {
        if (!w.isEmpty() && !FILLER.contains(w) && words.size() < 5) {
          words.add(w);
        }
      }
      String base = words.isEmpty() ? "comparison" : String.join("-", words);
      String id = base;
      for (int n = 2; !seen.add(id); n++) {
        id = base + "-" + n;
      }
      out.add(id);
    }
    return out;
  }
}
