package io.asisim.cli;

import io.asisim.api.kernel.Workload;
import io.asisim.pagealloc.ProcFs;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Runner;
import io.asisim.sim.slab.SlabInfo;
import io.asisim.sim.slab.Slub;
import io.asisim.sim.trace.TraceWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import java.util.concurrent.Callable;

/**
 * {@code asi-sim pagetypeinfo}: the simulated allocator state in the kernel's /proc formats, right
 * after boot or after a workload's last op.
 */
@Command(name = "pagetypeinfo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print the simulated allocator state as /proc/pagetypeinfo (and /proc/buddyinfo, or the slab "
        + "caches as /proc/slabinfo), after boot or, with --workload, after the workload's last op.",
        "Strategies that keep sensitivities apart print extra rows per sensitivity."})
final class PagetypeinfoCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  VariantOptions options;

  @Option(names = "--buddyinfo", description = "print /proc/buddyinfo instead")
  boolean buddyinfo;

  @Option(names = "--slabinfo", description = "print /proc/slabinfo of the slab caches instead (a trace workload "
      + "replaying slab events: kmem_cache_alloc, kmalloc, kmem_cache_free, kfree)")
  boolean slabinfo;

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
    if (slabinfo && buddyinfo) {
      throw new BadInputException("pagetypeinfo: --slabinfo and --buddyinfo are two files: name one (valid: either)");
    }
    if (slabinfo && !runWorkload) {
      throw new BadInputException("pagetypeinfo --slabinfo: the slab caches exist after a workload only (valid: with "
          + "--workload trace --set workload.trace.file=TRACE of kmem_cache_alloc/kmalloc/kmem_cache_free/kfree events)");
    }
    StringBuilder text = new StringBuilder();
    runner.inspect(config, runWorkload, (a, w) -> text.append(slabinfo ? slabinfo(w)
        : buddyinfo ? ProcFs.buddyinfo(a) : ProcFs.pagetypeinfo(a)));
    if (text.length() == 0) {
      throw new BadInputException("pagetypeinfo: the allocator produced no state");
    }
    spec.commandLine().getOut().print(text);
    return 0;
  }

  private static String slabinfo(Workload w) {
    Slub slub = w instanceof TraceWorkload t ? t.replayer().slub() : null;
    if (slub == null) {
      throw new BadInputException("pagetypeinfo --slabinfo: this workload has no slab caches (valid: --workload trace "
          + "of a trace with slab events and no page events; its slab events are replayed through the SLUB model)");
    }
    return SlabInfo.render(slub);
  }
}
