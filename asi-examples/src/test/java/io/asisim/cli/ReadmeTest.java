package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.report.PluginsReport;
import io.asisim.sim.plugin.PluginRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README cannot drift from the code: its plugin list and its test command are checked. */
class ReadmeTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void pluginListMatchesTheRegistry() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String begin = "<!-- plugins:begin -->\n";
    String end = "<!-- plugins:end -->";
    String listed = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf(end));
    StringWriter sw = new StringWriter();
    PluginsReport.markdown(PluginRegistry.discover(), new PrintWriter(sw, true));
    assertThat(listed).as("README plugin list; regenerate with ./asi-sim plugins --format markdown")
        .isEqualTo(sw.toString());
  }

  @Test
  void ciRunsExactlyTheReadmeTestCommand() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    assertThat(readme).contains("./asi-sim compare").contains("\nmvn -B verify ");
    String ci = Files.readString(ROOT.resolve(".ci/run"));
    // the README's command, after installing the browser ReportBrowserTest and the xz NativeXzTest need in CI
    // where they are missing; CI=true makes those tests mandatory
    assertThat(ci.lines().map(String::strip).filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("set ")
        && !l.startsWith("cd "))).containsExactly("if [ ! -x /usr/bin/chromium ] || ! command -v xz > /dev/null; then",
            "apt-get update -q", "DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium xz-utils", "fi",
            "export CI=true", "mvn -B verify");
  }
}
