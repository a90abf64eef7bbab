package io.asisim.policies.contextswitch;

import com.google.auto.service.AutoService;
import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;

/** Registers {@link SameMmPolicy} as context-switch policy {@code same-mm}. */
@AutoService(Plugin.class)
public final class SameMmPlugin implements Plugin<ContextSwitchPolicy> {
  @Override
  public PluginKind kind() {
    return PluginKind.CONTEXT_SWITCH;
  }

  @Override
  public String name() {
    return "same-mm";
  }

  @Override
  public String description() {
    return "stay restricted while the mm is unchanged (kthreads borrow it); exit when it changes";
  }

  @Override
  public ContextSwitchPolicy create(Params params, SimContext ctx) {
    return new SameMmPolicy();
  }
}
