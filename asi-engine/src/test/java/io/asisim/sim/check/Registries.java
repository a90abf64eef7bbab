package io.asisim.sim.check;

import io.asisim.api.plugin.Plugin;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Registries for checker tests: the discovered plugins plus extras (broken plugins, mutants). */
final class Registries {
  private Registries() {}

  static PluginRegistry with(Plugin<?>... extra) {
    List<Plugin<?>> all = new ArrayList<>(PluginRegistry.discover().all());
    all.addAll(Arrays.asList(extra));
    return PluginRegistry.of(all);
  }
}
