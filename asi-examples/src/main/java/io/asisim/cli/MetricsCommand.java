package io.asisim.cli;

import io.asisim.report.MetricsReport;
import io.asisim.sim.BadInputException;
import io.asisim.sim.api.MetricGlossary;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code asi-sim metrics}: the glossary of every metric the engine and the discovered plugins report. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
    description = "List every metric runs can report: name, unit, better direction, meaning (docs/metrics.md).")
final class MetricsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--format", paramLabel = "table|markdown|json", defaultValue = "table",
      description = "output format (default: ${DEFAULT-VALUE})")
  OutputFormat format;

  @Override
  public Integer call() {
    MetricGlossary glossary = MetricGlossary.of(PluginRegistry.discover());
    var out = spec.commandLine().getOut();
    switch (format) {
      case json:
        MetricsReport.json(glossary, out);
        break;
      case markdown:
        MetricsReport.markdown(glossary, out);
        break;
      case table:
        MetricsReport.table(glossary, out);
        break;
      default:
        throw new BadInputException("--format " + format + ": metrics supports table, markdown, json");
    }
    out.flush();
    return 0;
  }
}
