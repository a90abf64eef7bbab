package io.asisim.cli;

import io.asisim.report.Json;
import io.asisim.report.RunReport;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code asi-sim run}: one variant, every metric. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run one workload on one variant and print every metric.")
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  VariantOptions options;

  @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
      description = "output format (default: ${DEFAULT-VALUE})")
  OutputFormat format;

  @Override
  public Integer call() {
    OutputFormat.requireTableOrJson(format, "run");
    Runner runner = new Runner(PluginRegistry.discover());
    VariantConfig config = options.variants(runner.registry(), false).get(0);
    HeapBudget.check(List.of(config), 1);
    options.warnIneffective(spec, List.of(config));
    long t0 = System.nanoTime();
    RunResult result;
    try (Progress p = Progress.start("run", 1)) {
      result = runner.run(config, p.listener());
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    var out = spec.commandLine().getOut();
    if (format == OutputFormat.json) {
      out.print(Json.write(RunReport.document(result)));
    } else {
      RunReport.table(result, out);
    }
    out.flush();
    double ops = result.get("ops");
    double opsSecs = result.hostOpsNanos() / 1e9;
    double firstOp = StartTime.secondsSinceLaunch(result.hostFirstOpNanos());
    String timing = String.format(Locale.ROOT, "host: %.2f s in all%s; the %.0f ops took %.3f s: %.0f simulated ops per host second",
        secs, firstOp < 0 ? "" : String.format(Locale.ROOT, ", first op %.2f s after launch", firstOp), ops, opsSecs,
        opsSecs > 0 ? ops / opsSecs : 0);
    LOG.info(timing);
    spec.commandLine().getErr().println(timing);
    return 0;
  }
}
