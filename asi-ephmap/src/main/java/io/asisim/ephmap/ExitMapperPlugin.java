package io.asisim.ephmap;

import com.google.auto.service.AutoService;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;

/** Registers {@link ExitMapper} as mapper {@code exit}. */
@AutoService(Plugin.class)
public final class ExitMapperPlugin implements Plugin<Mapper> {
  @Override
  public PluginKind kind() {
    return PluginKind.MAPPER;
  }

  @Override
  public String name() {
    return "exit";
  }

  @Override
  public String description() {
    return "no alias: touch the page through the direct map, fault and asi_exit() (the posted ASI code)";
  }

  @Override
  public Mapper create(Params params, SimContext ctx) {
    return new ExitMapper();
  }
}
