package io.asisim.policies.flush;

import com.google.auto.service.AutoService;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/** Registers {@link MmGlobalFlushPolicy} as flush policy {@code mm-global}. */
@AutoService(Plugin.class)
public final class MmGlobalFlushPolicyPlugin implements Plugin<FlushPolicy> {
  @Override
  public PluginKind kind() {
    return PluginKind.FLUSH;
  }

  @Override
  public String name() {
    return "mm-global";
  }

  @Override
  public String description() {
    return "on loss of logical access or exit, one aggregated shootdown to the mm cpumask of the mm's unflushed aliases";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of();
  }

  @Override
  public FlushPolicy create(Params params, SimContext ctx) {
    return new MmGlobalFlushPolicy(ctx.machine().tlb(), ctx.machineConfig().cpus());
  }
}
