package io.asisim.policies.flush;

import com.google.auto.service.AutoService;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/** Registers {@link EagerGlobalFlushPolicy} as flush policy {@code eager-global}. */
@AutoService(Plugin.class)
public final class EagerGlobalFlushPolicyPlugin implements Plugin<FlushPolicy> {
  @Override
  public PluginKind kind() {
    return PluginKind.FLUSH;
  }

  @Override
  public String name() {
    return "eager-global";
  }

  @Override
  public String description() {
    return "shoot down every CPU on every unmap (the paranoid baseline)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of();
  }

  @Override
  public FlushPolicy create(Params params, SimContext ctx) {
    return new EagerGlobalFlushPolicy(ctx.machine().tlb(), ctx.machineConfig().cpus());
  }
}
