package io.asisim.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.MetricValue;
import io.asisim.sim.run.RunResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** report.html from hand-made parts: whatever tables the Markdown report has, user text escaped. */
class HtmlReportTest {
  private static final MetricDescriptor CPO = new MetricDescriptor("cycles_per_op", "cycles", Better.LOWER, "cost");

  private static ComparisonResult result() {
    VariantConfig c = new VariantConfig(new MachineConfig(64L << 20, 2, true), Map.of(), Set.of(), Settings.none(), 7, 0);
    return new ComparisonResult("Demo: two variants", List.of(
        new VariantRuns("baseline (asi off)", c, true, "baseline (asi off)",
            List.of(new RunResult(c, List.of(new MetricValue(CPO, 1000, false)), 0))),
        new VariantRuns("mapper=<b>x</b>", c, false, "baseline (asi off)",
            List.of(new RunResult(c, List.of(new MetricValue(CPO, 1250, false)), 0)))));
  }

  @Test
  void tablesComeFromTheMarkdownWithAnyColumnsAndUserTextIsEscaped() {
    // a column the template knows nothing about (as the statistics columns of the text tables)
    String md = "## Demo: two variants\n\n### cycles_per_op (cycles, lower is better)\n\n"
        + "| variant | samples | mean | p_value |\n| --- | ---: | ---: | ---: |\n"
        + "| baseline (asi off) | 1 | 1000 | |\n| mapper=<b>x</b> | 1 | 1250 | 0.03 |\n\n"
        + "_Reading guide:_ read `this` first.\n";
    String html = HtmlReport.render(new HtmlReport.Build("9.9", null, List.of("comparison.csv")),
        List.of(new HtmlReport.Section("demo", result(), "read `this` first.", md, List.of())));
    assertThat(html).doesNotContain("<b>x</b>").contains("&lt;b&gt;x&lt;/b&gt;");
    Document d = Jsoup.parse(html);
    Element s = d.getElementById("demo");
    assertThat(s.select("h2").eachText()).containsExactly("Demo: two variants"); // the Markdown's own title dropped
    assertThat(s.select(".tables table th").eachText()).containsExactly("variant", "samples", "mean", "p_value");
    assertThat(s.select(".tables td[align=right]").eachText()).contains("1250", "0.03");
    assertThat(s.select(".guide").text()).isEqualTo("Reading guide: read this first.");
    assertThat(s.select(".guide code").text()).isEqualTo("this");
    assertThat(s.select(".tables").text()).doesNotContain("Reading guide");
    assertThat(d.select("table.summary td").eachText()).contains("Demo: two variants", "2", "1 sample, seed 7",
        "mapper=<b>x</b> (+25.0%)");
    assertThat(d.getElementById("config").select("tr").eachText()).contains("tool version 9.9", "git commit unknown",
        "simulated machines 64M, 2 CPUs", "samples per variant 1 sample, seed 7");
  }
}
