package io.asisim.cli;

import io.asisim.report.PluginsReport;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code asi-sim plugins}. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
    description = {"List every plugin on the classpath: kind, name, description, parameters.",
        "The table wraps its descriptions to the terminal width (COLUMNS)."})
final class PluginsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--format", paramLabel = "table|markdown|json", defaultValue = "table",
      description = "output format (default: ${DEFAULT-VALUE})")
  OutputFormat format;

  /**
   * The width the table wraps to: {@code -Dasisim.columns} (the launcher passes {@code $COLUMNS}, or
   * the terminal's width when stdout is one), else the {@code COLUMNS} environment variable, else 0
   * (no wrapping: pipes and files get whole lines).
   */
  static int columns() {
    String c = System.getProperty("asisim.columns");
    if (c == null || c.isBlank()) {
      c = System.getenv("COLUMNS");
    }
    try {
      return c == null || c.isBlank() ? 0 : Math.max(0, Integer.parseInt(c.trim()));
    } catch (NumberFormatException e) {
      return 0; // a shell's COLUMNS is never malformed; a user's typo only loses the wrapping
    }
  }

  @Override
  public Integer call() {
    PluginRegistry registry = PluginRegistry.discover();
    var out = spec.commandLine().getOut();
    if (format == OutputFormat.json) {
      PluginsReport.json(registry, out);
    } else if (format == OutputFormat.markdown) {
      PluginsReport.markdown(registry, out);
    } else if (format == OutputFormat.table) {
      PluginsReport.table(registry, out, columns());
    } else {
      throw new io.asisim.sim.BadInputException("--format " + format + ": plugins supports table, markdown, json");
    }
    return 0;
  }
}
