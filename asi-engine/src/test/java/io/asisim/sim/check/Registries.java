package io.asisim.sim.check;

import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Registries for checker tests: the discovered plugins, a gfp-sensitive stand-in if none is discovered, plus extras. */
final class Registries {
  private Registries() {}

  static PluginRegistry with(Plugin<?>... extra) {
    PluginRegistry found = PluginRegistry.discover();
    List<Plugin<?>> all = new ArrayList<>(found.all());
    if (!found.has(PluginKind.SENSITIVITY, "gfp-sensitive")) {
      all.add(new StandInClassifier());
    }
    all.addAll(Arrays.asList(extra));
    return PluginRegistry.of(all);
  }
}
