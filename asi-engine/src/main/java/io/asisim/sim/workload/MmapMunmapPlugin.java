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
 * Registers {@link MmapMunmapWorkload} as {@code mmap-munmap}: the calibration microbenchmark's
 * mmap + touch + munmap loop, alone or with a spinning second thread of the mm on another CPU.
 * Defaults: one page per cycle (the microbenchmark's smallest case, where the IPI dominates) and
 * no spinner.
 */
@AutoService(Plugin.class)
public final class MmapMunmapPlugin implements Plugin<Workload> {
  @Override
  public PluginKind kind() {
    return PluginKind.WORKLOAD;
  }

  @Override
  public String name() {
    return "mmap-munmap";
  }

  @Override
  public String description() {
    return "calibration loop: mmap anonymous pages, write each, munmap; optionally with a thread spinning on another CPU";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.integer("ops", 20_000, 1, Long.MAX_VALUE, "mmap + touch + munmap cycles"),
        ParamSpec.integer("pages", 1, 1, 1 << 20, "pages mapped, written and unmapped per cycle"),
        ParamSpec.bool("spinner", false,
            "a second thread of the process runs user code on another CPU, so each munmap shoots its TLB down"));
  }

  @Override
  public Workload create(Params p, SimContext ctx) {
    return new MmapMunmapWorkload(p.getLong("ops"), p.getInt("pages"), p.getBoolean("spinner"));
  }
}
