package io.asisim.policies.contextswitch;

import com.google.auto.service.AutoService;
import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;

/** Registers {@link ExitAlwaysPolicy} as context-switch policy {@code exit-always}. */
@AutoService(Plugin.class)
public final class ExitAlwaysPlugin implements Plugin<ContextSwitchPolicy> {
  @Override
  public PluginKind kind() {
    return PluginKind.CONTEXT_SWITCH;
  }

  @Override
  public String name() {
    return "exit-always";
  }

  @Override
  public String description() {
    return "exit ASI on every context_switch() (the posted ASI code)";
  }

  @Override
  public ContextSwitchPolicy create(Params params, SimContext ctx) {
    return new ExitAlwaysPolicy();
  }
}
