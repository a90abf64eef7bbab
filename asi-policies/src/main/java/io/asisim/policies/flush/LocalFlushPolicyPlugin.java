package io.asisim.policies.flush;

import com.google.auto.service.AutoService;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/** Registers {@link LocalFlushPolicy} as flush policy {@code local}. */
@AutoService(Plugin.class)
public final class LocalFlushPolicyPlugin implements Plugin<FlushPolicy> {
  @Override
  public PluginKind kind() {
    return PluginKind.FLUSH;
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public String description() {
    return "flush only on the CPU that unmapped: INVLPG before the address is reused (or at release); no IPIs";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.bool("at-release", false,
            "INVLPG when the alias is unmapped, as the posted ephmap_put() does, instead of before the address is reused"));
  }

  @Override
  public FlushPolicy create(Params params, SimContext ctx) {
    return new LocalFlushPolicy(ctx.machine().tlb(), ctx.machineConfig().cpus(), params.getBoolean("at-release"));
  }
}
