package io.asisim.sim.check;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Builds {@link VariantConfig}s for checker tests. */
final class Variants {
  private final Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
  private final List<String> sets = new ArrayList<>();
  private long memory = 128L << 20;
  private int cpus = 4;
  private boolean asi = true;
  private long seed = 1;
  private long checkEvery = 1;

  static Variants of(String workload) {
    Variants v = new Variants();
    v.sel.put(PluginKind.WORKLOAD, workload);
    return v;
  }

  Variants pick(PluginKind kind, String name) {
    sel.put(kind, name);
    return this;
  }

  Variants set(String assignment) {
    sets.add(assignment);
    return this;
  }

  Variants memory(long bytes) {
    memory = bytes;
    return this;
  }

  Variants cpus(int n) {
    cpus = n;
    return this;
  }

  Variants asi(boolean on) {
    asi = on;
    return this;
  }

  Variants seed(long s) {
    seed = s;
    return this;
  }

  Variants checkEvery(long n) {
    checkEvery = n;
    return this;
  }

  VariantConfig build(PluginRegistry registry) {
    return new VariantConfig(new MachineConfig(memory, cpus, asi), sel, sel.keySet(), Settings.parse(sets, registry),
        seed, checkEvery);
  }
}
