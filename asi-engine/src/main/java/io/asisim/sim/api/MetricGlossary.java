package io.asisim.sim.api;

import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.plugin.Plugin;
import io.asisim.sim.BadInputException;
import io.asisim.sim.Suggestions;
import io.asisim.sim.kernel.KernelMetrics;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.UnknownMetricException;
import io.asisim.sim.trace.TraceMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every metric a run can report, with unit, better direction and meaning: the standard metrics
 * ({@link StandardMetrics}), the simulated kernel's ({@link KernelMetrics}), trace replay's
 * ({@link TraceMetrics}) and what each discovered plugin declares in {@link Plugin#metrics()}. It
 * is what {@code asi-sim metrics} prints and docs/metrics.md holds.
 *
 * <p>A family such as {@code asi_exits} has a total and children {@code asi_exits.<key>} that
 * share its unit and direction; the glossary lists the family once more as
 * {@code asi_exits.<reason>} and {@link #find} resolves any child to it.
 */
public final class MetricGlossary {
  /**
   * Families and the placeholder of their key, in the glossary's own words. Their children are
   * named at run time (an exit reason, a kernel site, a tracepoint).
   */
  private static final Map<String, String> FAMILIES = Map.of(
      StandardMetrics.ASI_EXITS.name(), "reason",
      StandardMetrics.ASI_EXIT_SITES.name(), "site",
      StandardMetrics.TRACE_EVENTS.name(), "event",
      StandardMetrics.VM_EXITS.name(), "reason",
      io.asisim.sim.kernel.KernelMetrics.KVM_EXITS.name(), "reason");

  /** Families that report children only, no total of their own. */
  private static final java.util.Set<String> CHILDREN_ONLY = java.util.Set.of(StandardMetrics.ASI_EXIT_SITES.name());

  /**
   * One metric (or family of metrics) of the glossary.
   *
   * @param name the metric's name, or {@code family.<key>} for a family's children
   * @param descriptor unit, better direction and one-line meaning
   * @param family whether this entry stands for the children of a family
   * @param reportedBy who registers it: {@code standard}, {@code kernel}, {@code trace replay} or
   *     {@code <kind> <plugin>} (several when plugins share it)
   */
  public record Entry(String name, MetricDescriptor descriptor, boolean family, List<String> reportedBy) {
    /**
     * Copies {@code reportedBy}.
     *
     * @param name the entry's name
     * @param descriptor unit, direction, meaning
     * @param family whether it stands for a family's children
     * @param reportedBy who registers it
     */
    public Entry {
      reportedBy = List.copyOf(reportedBy);
    }
  }

  private final Map<String, Entry> entries;

  private MetricGlossary(Map<String, Entry> entries) {
    this.entries = Collections.unmodifiableMap(entries);
  }

  /**
   * The glossary of the engine plus every plugin in {@code registry}.
   *
   * @param registry the plugins whose {@link Plugin#metrics()} are included
   * @return the glossary, entries in name order
   */
  public static MetricGlossary of(PluginRegistry registry) {
    Map<String, Entry> m = new TreeMap<>();
    StandardMetrics.ALL.forEach(d -> add(m, d, "standard"));
    KernelMetrics.ALL.forEach(d -> add(m, d, "kernel"));
    io.asisim.sim.slab.SlabMetrics.ALL.forEach(d -> add(m, d, "kernel"));
    TraceMetrics.ALL.forEach(d -> add(m, d, "trace replay"));
    for (Plugin<?> p : registry.all()) {
      p.metrics().forEach(d -> add(m, d, p.kind().id() + " " + p.name()));
    }
    return new MetricGlossary(m);
  }

  private static void add(Map<String, Entry> m, MetricDescriptor d, String source) {
    if (!CHILDREN_ONLY.contains(d.name())) {
      put(m, d.name(), d, false, source);
    }
    String key = FAMILIES.get(d.name());
    if (key != null) {
      String meaning = d.description() + ", per " + key;
      if (d.name().equals(StandardMetrics.ASI_EXITS.name())) {
        List<String> reasons = new ArrayList<>();
        for (AsiExitReason r : AsiExitReason.values()) {
          reasons.add(r.key());
        }
        meaning += " (" + String.join(", ", reasons) + ")";
      }
      String name = d.name() + ".<" + key + ">";
      put(m, name, new MetricDescriptor(d.name(), d.unit(), d.better(), meaning), true, source);
    }
  }

  private static void put(Map<String, Entry> m, String name, MetricDescriptor d, boolean family, String source) {
    Entry e = m.get(name);
    if (e == null) {
      m.put(name, new Entry(name, d, family, List.of(source)));
      return;
    }
    if (!e.descriptor().unit().equals(d.unit()) || e.descriptor().better() != d.better()) {
      throw new IllegalStateException("metric " + name + " declared with different unit or direction by "
          + e.reportedBy() + " and " + source);
    }
    if (!e.reportedBy().contains(source)) {
      List<String> by = new ArrayList<>(e.reportedBy());
      by.add(source);
      m.put(name, new Entry(name, e.descriptor(), family, by));
    }
  }

  /**
   * Every entry, in name order.
   *
   * @return the entries (a family's {@code family.<key>} entry right after its total)
   */
  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /**
   * The entry that documents metric {@code name}: the metric itself, or its family's entry for a
   * child such as {@code asi_exits.page_fault}.
   *
   * @param name a metric name as a run reports it
   * @return the entry, or empty when nothing declares it
   */
  public Optional<Entry> find(String name) {
    Entry e = entries.get(name);
    if (e != null) {
      return Optional.of(e);
    }
    int dot = name.indexOf('.');
    String key = dot < 0 ? null : FAMILIES.get(name.substring(0, dot));
    return key == null ? Optional.empty() : Optional.ofNullable(entries.get(name.substring(0, dot) + ".<" + key + ">"));
  }

  /**
   * Whether a run may report {@code name}: a declared metric, or a child {@code family.key} of a
   * family whose key is a plain name ({@code [a-z0-9_-]+}; the kernel creates keys as it meets them).
   *
   * @param name a metric name as a run reports it
   * @return whether {@link #find} documents it
   */
  public boolean accepts(String name) {
    int dot = name.indexOf('.');
    if (dot >= 0 && !entries.containsKey(name) && !name.substring(dot + 1).matches("[a-z0-9_-]+")) {
      return false;
    }
    return find(name).isPresent();
  }

  /**
   * The metrics of a comma list such as {@code cycles_per_op,asi_exits} ({@code compare --metrics}),
   * in the order given, without duplicates.
   *
   * @param option the option the list came from, for the error message
   * @param commaList the names
   * @return the names, in order
   * @throws BadInputException naming {@code option} and listing the valid names (with a guess) for
   *     an empty or unknown name
   */
  public List<String> parse(String option, String commaList) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    List<String> plain = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (!e.family()) {
        plain.add(e.name());
      }
    }
    for (String raw : commaList.split(",", -1)) {
      String name = raw.trim();
      if (!accepts(name)) {
        throw new BadInputException(option + " " + commaList + ": unknown metric '" + name + "'"
            + Suggestions.didYouMean(name, plain) + "; valid: " + String.join(", ", plain)
            + " (and FAMILY.KEY children such as asi_exits.page_fault)");
      }
      out.add(name);
    }
    return new ArrayList<>(out);
  }

  /**
   * Like {@link #find} but strict.
   *
   * @param name a metric name
   * @return its entry
   * @throws UnknownMetricException when nothing declares {@code name}; lists the glossary's names
   */
  public Entry get(String name) {
    return find(name).orElseThrow(() -> new UnknownMetricException(name, List.copyOf(entries.keySet())));
  }
}
