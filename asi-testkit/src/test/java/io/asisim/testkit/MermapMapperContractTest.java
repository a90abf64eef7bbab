package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.ephmap.MermapMapperPlugin;

/** The mapper contract on the built-in {@code mermap} mapper. */
class MermapMapperContractTest extends MapperContract {
  @Override
  protected Plugin<?> plugin() {
    return new MermapMapperPlugin();
  }
}
