package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.policies.contextswitch.SameMmPlugin;

/** The context-switch contract on {@code same-mm}. */
class SameMmContextSwitchContractTest extends ContextSwitchPolicyContract {
  @Override
  protected Plugin<?> plugin() {
    return new SameMmPlugin();
  }
}
