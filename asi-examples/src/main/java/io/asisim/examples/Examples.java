package io.asisim.examples;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.compare.Comparison;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.ProgressListener;
import io.asisim.sim.run.Runner;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What every example does: discover plugins, build variants along one axis, compare them. */
final class Examples {
  private Examples() {}

  /** The ops argument of an example's {@code main}, or {@code def}. */
  static long ops(String[] args, long def) {
    return args.length > 0 ? Long.parseLong(args[0]) : def;
  }

  /**
   * One variant per {@code names} of {@code axis}, everything else shared: the machine, the
   * workload, the other selections in {@code fixed} and the {@code --set} assignments.
   */
  static List<VariantConfig> along(PluginRegistry registry, MachineConfig machine, Map<PluginKind, String> fixed,
      List<String> sets, PluginKind axis, List<String> names, long checkEvery) {
    // Settings.parse validates every key and value against the plugins' declared parameters
    Settings settings = Settings.parse(sets, registry);
    List<VariantConfig> out = new ArrayList<>();
    for (String name : names) {
      Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
      sel.putAll(fixed);
      sel.put(axis, name);
      out.add(new VariantConfig(machine, sel, sel.keySet(), settings, 1, checkEvery));
    }
    return out;
  }

  /** Runs the variants (and their ASI-off baseline) {@code samples} times each, on 2 host threads. */
  static ComparisonResult compare(PluginRegistry registry, String title, List<VariantConfig> variants, int samples) {
    return new Comparison(new Runner(registry), 2).run(title, variants, samples, ProgressListener.NONE);
  }
}
