package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.ephmap.EphmapMapperPlugin;

/** The mapper contract on the built-in {@code ephmap} mapper (1 slot: the second live mapping falls back). */
class EphmapMapperContractTest extends MapperContract {
  @Override
  protected Plugin<?> plugin() {
    return new EphmapMapperPlugin();
  }
}
