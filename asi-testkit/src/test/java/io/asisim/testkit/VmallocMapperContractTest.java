package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.ephmap.VmallocMapperPlugin;

/** The mapper contract on the built-in {@code vmalloc} mapper. */
class VmallocMapperContractTest extends MapperContract {
  @Override
  protected Plugin<?> plugin() {
    return new VmallocMapperPlugin();
  }
}
