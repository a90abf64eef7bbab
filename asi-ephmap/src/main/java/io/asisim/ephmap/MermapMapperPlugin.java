package io.asisim.ephmap;

import com.google.auto.service.AutoService;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/** Registers {@link MermapMapper} as mapper {@code mermap}; it asks the context for the flush policy. */
@AutoService(Plugin.class)
public final class MermapMapperPlugin implements Plugin<Mapper> {
  @Override
  public PluginKind kind() {
    return PluginKind.MAPPER;
  }

  @Override
  public String name() {
    return "mermap";
  }

  @Override
  public String description() {
    return "per-CPU bump allocator of kernel-range aliases, 4 live; released space reused only after a local full flush";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.integer("region-pages", 512, 4, 65_536,
            "pages in each CPU's window before a full flush (estimate: one 2 MiB PTE table)"),
        ParamSpec.integer("max-live", 4, 1, 64, "live allocations per CPU (4 in the mermap posting)"));
  }

  @Override
  public Mapper create(Params params, SimContext ctx) {
    return new MermapMapper(ctx.machine().addressSpaces(), ctx.machine().tlb(), ctx.flushPolicy(), ctx.metrics(),
        ctx.machineConfig().cpus(), params.getInt("region-pages"), params.getInt("max-live"));
  }
}
