package io.asisim.ephmap;

import com.google.auto.service.AutoService;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/** Registers {@link KmapLocalMapper} as mapper {@code kmap-local}; it asks the context for the flush policy. */
@AutoService(Plugin.class)
public final class KmapLocalMapperPlugin implements Plugin<Mapper> {
  @Override
  public PluginKind kind() {
    return PluginKind.MAPPER;
  }

  @Override
  public String name() {
    return "kmap-local";
  }

  @Override
  public String description() {
    return "kmap_local_page(): per-CPU stack of 16 fixmap slots shared by all processes, unmapped across context switches";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of();
  }

  @Override
  public Mapper create(Params params, SimContext ctx) {
    return new KmapLocalMapper(ctx.machine().addressSpaces(), ctx.flushPolicy(), ctx.metrics(), ctx.machineConfig().cpus());
  }
}
