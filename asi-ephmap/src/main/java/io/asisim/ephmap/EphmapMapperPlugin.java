package io.asisim.ephmap;

import com.google.auto.service.AutoService;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/** Registers {@link EphmapMapper} as mapper {@code ephmap}; it asks the context for the flush policy. */
@AutoService(Plugin.class)
public final class EphmapMapperPlugin implements Plugin<Mapper> {
  @Override
  public PluginKind kind() {
    return PluginKind.MAPPER;
  }

  @Override
  public String name() {
    return "ephmap";
  }

  @Override
  public String description() {
    return "mm-local per-CPU slots with preallocated page tables (bjackman/linux mm/ephmap.c); busy slot -> exit";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.integer("slots", 1, 1, 64,
            "live mappings per CPU per mm (the posted code has one; copy-on-write needs two); at most the machine's mm-local slots"));
  }

  @Override
  public Mapper create(Params params, SimContext ctx) {
    return new EphmapMapper(ctx.machine().addressSpaces(), ctx.flushPolicy(), ctx.metrics(), ctx.machineConfig().cpus(),
        params.getInt("slots"));
  }
}
