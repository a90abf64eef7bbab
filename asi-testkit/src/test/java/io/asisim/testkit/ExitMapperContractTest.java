package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.ephmap.ExitMapperPlugin;

/** The mapper contract on the built-in {@code exit} mapper (never aliases). */
class ExitMapperContractTest extends MapperContract {
  @Override
  protected Plugin<?> plugin() {
    return new ExitMapperPlugin();
  }
}
