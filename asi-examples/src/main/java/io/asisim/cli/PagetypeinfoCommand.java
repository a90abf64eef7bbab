package io.asisim.cli;

import io.asisim.pagealloc.ProcFs;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Runner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code asi-sim pagetypeinfo}: the simulated allocator state in the kernel's /proc formats, right
 * after boot or after a workload's last op.
 */
@Command(name = "pagetypeinfo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print the simulated allocator state as /proc/pagetypeinfo (and /proc/buddyinfo), after boot "
        + "or, with --workload, after the workload's last op.",
        "Strategies that keep sensitivities apart print extra rows per sensitivity."})
final class PagetypeinfoCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  VariantOptions options;

  @Option(names = "--buddyinfo", description = "print /proc/buddyinfo instead")
  boolean buddyinfo;

  @Override
  public Integer call() {
    Runner runner = new Runner(PluginRegistry.discover());
    VariantConfig config = options.variants(runner.registry(), false).get(0);
    HeapBudget.check(java.util.List.of(config), 1);
    options.warnIneffective(spec, java.util.List.of(config));
    boolean runWorkload = spec.commandLine().getParseResult().hasMatchedOption("--workload");
    if (options.check && !runWorkload) {
      // without a workload nothing runs after boot, so there is nothing for the checker to check
      spec.commandLine().getErr().println("asi-sim: warning: --check has no effect without --workload "
          + "(pagetypeinfo then prints the state right after boot)");
    }
    StringBuilder text = new StringBuilder();
    runner.inspect(config, runWorkload, a -> text.append(buddyinfo ? ProcFs.buddyinfo(a) : ProcFs.pagetypeinfo(a)));
    if (text.length() == 0) {
      throw new BadInputException("pagetypeinfo: the allocator produced no state");
    }
    spec.commandLine().getOut().print(text);
    return 0;
  }
}
