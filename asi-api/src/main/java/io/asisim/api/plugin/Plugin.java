package io.asisim.api.plugin;

import io.asisim.api.metrics.MetricDescriptor;
import java.util.List;

/**
 * A plugin descriptor: a stable name, a kind, a one-line description, the declared parameters, and a
 * factory for the implementation. Register an implementation with
 * {@code @AutoService(Plugin.class)} (or a {@code META-INF/services/io.asisim.api.plugin.Plugin}
 * line); the runtime discovers it with {@link java.util.ServiceLoader}.
 *
 * <p>The runtime calls {@link #create} once per simulated variant, with the parameters validated
 * against {@link #params()} and a context giving access to the rest of the variant. New extension
 * points arrive as {@code default} methods so that existing plugins keep compiling.
 *
 * @param <T> the implementation type; must be {@link PluginKind#type()} of {@link #kind()}
 */
public interface Plugin<T> {

  /** The kind of this plugin. */
  PluginKind kind();

  /** Stable kebab-case name, unique within the kind, e.g. {@code pageblock-migratetype}. */
  String name();

  /** One line saying what the plugin models, shown by {@code asi-sim plugins}. */
  String description();

  /** Declared parameters, in display order. Values reach {@link #create} validated. */
  default List<ParamSpec> params() {
    return List.of();
  }

  /**
   * The metrics this plugin's implementation may report beyond {@link
   * io.asisim.api.metrics.StandardMetrics}: for the metric glossary ({@code asi-sim metrics},
   * docs/metrics.md) and so that {@code compare --metrics} accepts their names before anything
   * runs. A family (children {@code name.key}) is declared once, by its family descriptor. A plugin
   * that reports undeclared metrics keeps working; only {@code --metrics} rejects their names.
   */
  default List<MetricDescriptor> metrics() {
    return List.of();
  }

  /**
   * Whether parameter {@code name} can change a run with ASI off. A comparison gives each variant
   * the {@code --asi off} baseline with the same values of the parameters that can, so a sweep over
   * one (e.g. {@code machine.x86.virt=none,kvm}) gets a baseline per value, and a sweep over one
   * that cannot (e.g. {@code machine.x86.cr3-noflush}) shares one. This default says every parameter
   * can; it is consulted for machine plugins (the other kinds' baselines are chosen per plugin).
   */
  default boolean affectsAsiOff(String name) {
    return true;
  }

  /**
   * Builds the implementation for one variant.
   *
   * @param params the validated parameter values (defaults applied)
   * @param ctx the variant being built: machine, metrics, other selected plugins
   */
  T create(Params params, SimContext ctx);
}
