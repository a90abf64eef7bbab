package io.asisim.cli;

import io.asisim.pagealloc.ExtFrag;
import io.asisim.pagealloc.ProcFs;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.kernel.VmStat;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.BootedVariant;
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
    description = {"Print the simulated allocator state as /proc/pagetypeinfo (or /proc/buddyinfo, the slab "
        + "caches as /proc/slabinfo, the counters as /proc/vmstat, debugfs's extfrag indices), after boot or, with --workload, after the workload's last op.",
        "Strategies that keep sensitivities apart print extra rows per sensitivity."})
final class PagetypeinfoCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  VariantOptions options;

  @Option(names = "--buddyinfo", description = "print /proc/buddyinfo instead")
  boolean buddyinfo;

  @Option(names = "--slabinfo", description = "print /proc/slabinfo of the slab caches instead: the simulated kernel's "
      + "(task_struct, mm_struct, vm_area_struct, filp, dentry, inodes, radix_tree_node), or a trace workload's "
      + "replayed slab events (kmem_cache_alloc, kmalloc, kmem_cache_free, kfree)")
  boolean slabinfo;

  @Option(names = "--vmstat", description = "print /proc/vmstat instead: the counters the simulation models, under their "
      + "kernel names and in the kernel's order (event counts since boot, set-up included)")
  boolean vmstat;

  @Option(names = "--unusable-index", description = "print debugfs's extfrag/unusable_index instead (per zone and "
      + "order, the share of free memory in blocks too small)")
  boolean unusableIndex;

  @Option(names = "--extfrag-index", description = "print debugfs's extfrag/extfrag_index instead (per zone and order "
      + "that would fail, fragmentation towards 1, lack of memory towards 0)")
  boolean extfragIndex;

  @Option(names = "--series", description = "with --workload: print a time series instead, as CSV: at about 200 "
      + "evenly spaced points of the run, the free pageblocks per zone, migratetype and sensitivity, and each zone's "
      + "unusable_index at the pageblock order (thousandths)")
  boolean series;

  @Option(names = "--chart", paramLabel = "FILE.svg", description = "with --series: also draw it as an SVG line chart")
  java.nio.file.Path chart;

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
    if ((slabinfo ? 1 : 0) + (buddyinfo ? 1 : 0) + (vmstat ? 1 : 0) + (unusableIndex ? 1 : 0) + (extfragIndex ? 1 : 0) > 1) {
      throw new BadInputException("pagetypeinfo: --buddyinfo, --slabinfo, --vmstat, --unusable-index and --extfrag-index "
          + "are different files: name one (valid: one of them, or none for /proc/pagetypeinfo)");
    }
    if (slabinfo && !runWorkload) {
      throw new BadInputException("pagetypeinfo --slabinfo: the slab caches fill while a workload runs (valid: with "
          + "--workload W, e.g. kernel-build, or trace with workload.trace.file=TRACE of slab events)");
    }
    if (series || chart != null) {
      return series(runner, config, runWorkload);
    }
    StringBuilder text = new StringBuilder();
    runner.inspectVariant(config, runWorkload, v -> text.append(slabinfo ? slabinfo(v)
        : vmstat ? VmStat.render(VmStat.of(v.metrics(), v.allocator()))
        : unusableIndex ? ExtFrag.unusableIndex(v.allocator())
        : extfragIndex ? ExtFrag.extfragIndex(v.allocator())
        : buddyinfo ? ProcFs.buddyinfo(v.allocator()) : ProcFs.pagetypeinfo(v.allocator())));
    if (text.length() == 0) {
      throw new BadInputException("pagetypeinfo: the allocator produced no state");
    }
    spec.commandLine().getOut().print(text);
    return 0;
  }

  /** {@code --series}: samples during the run, printed as CSV (and drawn with {@code --chart}). */
  private Integer series(Runner runner, VariantConfig config, boolean runWorkload) {
    if (!runWorkload || !series || buddyinfo || slabinfo || vmstat || unusableIndex || extfragIndex) {
      throw new BadInputException("pagetypeinfo --series: a time series of a run (valid: --series with --workload W, "
          + "optionally --chart FILE.svg, and none of the single-file options)");
    }
    io.asisim.report.FragTimeSeries s = ShowcaseSeries.sample(runner, config);
    if (chart != null) {
      io.asisim.report.RenderedChart c = io.asisim.report.SeriesChart.draw(s.names(), s.ops(), s.rows(),
          config.selected(io.asisim.api.plugin.PluginKind.WORKLOAD) + ", "
              + config.selected(io.asisim.api.plugin.PluginKind.ALLOCATOR) + (config.machine().asi() ? "" : ", --asi off"));
      try {
        OutputDir.writeAtomically(chart, c.svg().getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
      } catch (java.io.IOException e) {
        throw new BadInputException("pagetypeinfo --chart " + chart + ": cannot write it (" + e.getMessage()
            + "; valid: a writable path)");
      }
    }
    spec.commandLine().getOut().print(s.csv());
    return 0;
  }

  /** A trace's replayed caches when it replayed slab events, else the simulated kernel's. */
  private static String slabinfo(BootedVariant v) {
    Slub slub = v.workload() instanceof TraceWorkload t ? t.replayer().slub() : null;
    return SlabInfo.render(slub != null ? slub : v.kernel().slub());
  }
}
