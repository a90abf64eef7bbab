package io.asisim.cli;

import io.asisim.report.PluginsReport;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code asi-sim plugins}. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
    description = "List every plugin on the classpath: kind, name, description, parameters.")
final class PluginsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--format", paramLabel = "table|markdown|json", defaultValue = "table",
      description = "output format (default: ${DEFAULT-VALUE})")
  OutputFormat format;

  @Override
  public Integer call() {
    PluginRegistry registry = PluginRegistry.discover();
    var out = spec.commandLine().getOut();
    if (format == OutputFormat.json) {
      PluginsReport.json(registry, out);
    } else if (format == OutputFormat.markdown) {
      PluginsReport.markdown(registry, out);
    } else if (format == OutputFormat.table) {
      PluginsReport.table(registry, out);
    } else {
      throw new io.asisim.sim.BadInputException("--format " + format + ": plugins supports table, markdown, json");
    }
    return 0;
  }
}
