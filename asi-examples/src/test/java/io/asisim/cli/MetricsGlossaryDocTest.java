package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.report.MetricsReport;
import io.asisim.sim.api.MetricGlossary;
import io.asisim.sim.plugin.PluginRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/metrics.md holds the glossary exactly as {@code asi-sim metrics --format markdown} prints it. */
class MetricsGlossaryDocTest {
  static final String REGENERATE = "{ sed '/^<!-- metrics:begin -->$/q' docs/metrics.md; ./asi-sim metrics --format markdown; "
      + "sed -n '/^<!-- metrics:end -->$/,$p' docs/metrics.md; } > docs/metrics.md.new && mv docs/metrics.md.new docs/metrics.md";

  @Test
  void docsMetricsIsTheGeneratedGlossary() throws Exception {
    Path root = Path.of(".."); // surefire runs in asi-examples/
    String doc = Files.readString(root.resolve("docs/metrics.md"));
    String begin = "<!-- metrics:begin -->\n";
    String end = "<!-- metrics:end -->";
    assertThat(doc).contains(begin).contains(end).contains(REGENERATE);
    int from = doc.indexOf("\n" + begin) + 1 + begin.length(); // the markers' own lines, not the command above
    String listed = doc.substring(from, doc.indexOf("\n" + end, from - 1) + 1);
    StringWriter sw = new StringWriter();
    MetricsReport.markdown(MetricGlossary.of(PluginRegistry.discover()), new PrintWriter(sw, true));
    assertThat(listed).as("docs/metrics.md is stale; regenerate it from the repository root with:\n" + REGENERATE + "\n")
        .isEqualTo(sw.toString());
  }
}
