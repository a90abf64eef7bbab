package io.asisim.sim.plugin;

import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.plugin.Plugin;
import io.asisim.sim.BadInputException;
import io.asisim.sim.kernel.KernelMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The metric names a run can report, known before anything runs: the standard metrics, the
 * simulated kernel's, and what each plugin of the registry declares ({@link Plugin#metrics()}).
 * Families ({@code asi_exits}, {@code asi_exit_sites}) have children {@code family.key} whose keys
 * the kernel creates as it meets them, so any key of a known family is accepted.
 */
public final class MetricCatalog {
  private final Map<String, MetricDescriptor> byName;

  private MetricCatalog(Map<String, MetricDescriptor> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /** The catalog of {@code registry}'s plugins. */
  public static MetricCatalog of(PluginRegistry registry) {
    Map<String, MetricDescriptor> m = new TreeMap<>();
    StandardMetrics.ALL.forEach(d -> m.put(d.name(), d));
    KernelMetrics.ALL.forEach(d -> m.put(d.name(), d));
    for (Plugin<?> p : registry.all()) {
      p.metrics().forEach(d -> m.putIfAbsent(d.name(), d));
    }
    return new MetricCatalog(m);
  }

  /** Every declared name (families without their children), in name order. */
  public Set<String> names() {
    return byName.keySet();
  }

  /** Whether a run may report {@code name}: a declared metric or a child of one. */
  public boolean accepts(String name) {
    if (byName.containsKey(name)) {
      return true;
    }
    int dot = name.indexOf('.');
    return dot > 0 && byName.containsKey(name.substring(0, dot)) && name.substring(dot + 1).matches("[a-z0-9_-]+");
  }

  /**
   * The metrics of a comma list such as {@code cycles_per_op,asi_exits}, in the order given,
   * without duplicates.
   *
   * @throws BadInputException naming {@code option} and listing the valid names, for an empty or unknown name
   */
  public List<String> parse(String option, String commaList) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : commaList.split(",", -1)) {
      String name = raw.trim();
      if (!accepts(name)) {
        throw new BadInputException(option + " " + commaList + ": unknown metric '" + name + "'; valid: "
            + String.join(", ", names()) + " (and FAMILY.KEY children such as asi_exits.page_fault)");
      }
      out.add(name);
    }
    return new ArrayList<>(out);
  }
}
