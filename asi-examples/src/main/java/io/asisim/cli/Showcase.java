package io.asisim.cli;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * The built-in comparison that {@code asi-sim compare} runs with no options. Each section compares
 * one design axis on the workload that exercises it, with a short reading guide.
 */
final class Showcase {
  private Showcase() {}

  /**
   * One section of the showcase.
   *
   * @param title the question it answers
   * @param guide how to read its tables
   * @param variants the ASI-on variants (the runner adds the ASI-off baseline)
   * @param samples seeds per variant
   */
  record Section(String title, String guide, List<VariantConfig> variants, int samples) {}

  static List<Section> sections(PluginRegistry registry, long seed, int samples) {
    List<Section> out = new ArrayList<>();
    out.add(new Section("Allocator strategies under allocation stress (alloc-stress, 16G, 8 CPUs)",
        "pageblock-migratetype flips whole 2 MiB pageblocks between sensitivities: each flip to nonsensitive "
            + "zeroes 512 pages, each flip to sensitive unmaps a PMD and shoots down every CPU's TLB. "
            + "unmapped-pool keeps one class in a separate cache refilled from the main allocator; look at "
            + "pool_refills, pool_shrinks, pool_stranded_pages and the direct/restricted map splits it causes. "
            + "The baseline is the plain buddy allocator with ASI off.",
        variants(registry, seed, "alloc-stress", PluginKind.ALLOCATOR, "pageblock-migratetype", "unmapped-pool"),
        samples));
    return out;
  }

  private static List<VariantConfig> variants(PluginRegistry registry, long seed, String workload, PluginKind axis,
      String... names) {
    List<VariantConfig> vs = new ArrayList<>();
    for (String n : names) {
      registry.get(axis, n); // the showcase only names shipped plugins; fail loudly if one is missing
      Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
      sel.put(PluginKind.WORKLOAD, workload);
      sel.put(axis, n);
      vs.add(new VariantConfig(new MachineConfig(16L << 30, 8, true), sel, EnumSet.of(PluginKind.WORKLOAD, axis),
          Settings.none(), seed, 0));
    }
    return vs;
  }
}
