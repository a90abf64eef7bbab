package io.asisim.policies.flush;

import com.google.auto.service.AutoService;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/** Registers {@link PreciseFlushPolicy} as flush policy {@code precise}. */
@AutoService(Plugin.class)
public final class PreciseFlushPolicyPlugin implements Plugin<FlushPolicy> {
  @Override
  public PluginKind kind() {
    return PluginKind.FLUSH;
  }

  @Override
  public String name() {
    return "precise";
  }

  @Override
  public String description() {
    return "track which CPUs used which alias since their last flush; on loss of access flush exactly those CPUs";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of();
  }

  @Override
  public FlushPolicy create(Params params, SimContext ctx) {
    return new PreciseFlushPolicy(ctx.machine().tlb(), ctx.machineConfig().cpus());
  }
}
