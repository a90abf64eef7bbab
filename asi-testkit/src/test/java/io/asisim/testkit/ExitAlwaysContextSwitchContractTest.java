package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.policies.contextswitch.ExitAlwaysPlugin;

/** The context-switch contract on {@code exit-always}. */
class ExitAlwaysContextSwitchContractTest extends ContextSwitchPolicyContract {
  @Override
  protected Plugin<?> plugin() {
    return new ExitAlwaysPlugin();
  }
}
