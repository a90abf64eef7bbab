package io.asisim.sim.workload;

import com.google.auto.service.AutoService;
import io.asisim.api.kernel.Workload;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/**
 * Registers {@link ThreadedLinkWorkload} as {@code threaded-link}: a compiler-like process whose
 * worker threads share one mm on several CPUs (a parallel linker). Defaults are estimates.
 */
@AutoService(Plugin.class)
public final class ThreadedLinkPlugin implements Plugin<Workload> {
  @Override
  public PluginKind kind() {
    return PluginKind.WORKLOAD;
  }

  @Override
  public String name() {
    return "threaded-link";
  }

  @Override
  public String description() {
    return "a parallel linker: worker threads of one mm on several CPUs read inputs and map, write and unmap scratch buffers";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.integer("ops", 20_000, 1, Long.MAX_VALUE, "work items"),
        ParamSpec.integer("threads", 4, 1, 4096, "worker threads (ld.lld --threads), on distinct CPUs"),
        ParamSpec.integer("inputs", 32, 1, 63, "input object files, all open at once (with the output: at most 64 descriptors, the simulated files_struct)"),
        ParamSpec.integer("input-pages", 32, 1, 1 << 20, "estimate: pages per input file (128 KiB objects)"),
        ParamSpec.integer("read-pages", 8, 1, 1 << 20, "estimate: input pages each item reads"),
        ParamSpec.integer("buffer-pages", 16, 1, 1 << 20, "estimate: scratch pages each item maps, writes and unmaps"),
        ParamSpec.integer("user-cycles", 50_000, 0, 1_000_000_000, "estimate: user cycles per item"),
        ParamSpec.integer("output-every", 64, 0, Integer.MAX_VALUE, "items between writes of the output file (0: none)"),
        ParamSpec.integer("output-pages", 16, 1, 1 << 20, "pages per output write"));
  }

  @Override
  public Workload create(Params p, SimContext ctx) {
    return new ThreadedLinkWorkload(new ThreadedLinkParams(p.getLong("ops"), p.getInt("threads"), p.getInt("inputs"),
        p.getInt("input-pages"), p.getInt("read-pages"), p.getInt("buffer-pages"), p.getLong("user-cycles"),
        p.getInt("output-every"), p.getInt("output-pages")));
  }
}
