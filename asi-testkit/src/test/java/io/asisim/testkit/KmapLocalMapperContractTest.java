package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.ephmap.KmapLocalMapperPlugin;

/** The mapper contract on the built-in {@code kmap-local} mapper. */
class KmapLocalMapperContractTest extends MapperContract {
  @Override
  protected Plugin<?> plugin() {
    return new KmapLocalMapperPlugin();
  }
}
