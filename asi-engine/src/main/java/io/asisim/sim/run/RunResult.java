package io.asisim.sim.run;

import io.asisim.sim.config.VariantConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one run: its config and its metrics in name order. Deterministic for a config and
 * seed; host timing is deliberately not part of it.
 *
 * <p>A run reports every metric its machine, kernel and plugins registered, zeros included, so a
 * name that is not there is a mistake: {@link #get} and {@link #metric} throw an
 * {@link UnknownMetricException} listing the valid names instead of answering 0.
 *
 * @param config what ran
 * @param metrics all metrics, sorted by name
 * @param hostOpsNanos host time the ops took (set-up and tear-down excluded); not part of any
 *     deterministic output
 * @param hostFirstOpNanos the host's {@link System#nanoTime()} when op 0 started (after boot and
 *     the workload's set-up), for the CLI's time-to-first-op figure; 0 when unknown. Not part of
 *     any deterministic output
 */
public record RunResult(VariantConfig config, List<MetricValue> metrics, long hostOpsNanos, long hostFirstOpNanos) {
  /**
   * Copies {@code metrics}.
   *
   * @param config what ran
   * @param metrics all metrics
   * @param hostOpsNanos host time of the ops
   * @param hostFirstOpNanos {@link System#nanoTime()} at op 0, or 0
   */
  public RunResult {
    metrics = List.copyOf(metrics);
  }

  /**
   * A result without a first-op time.
   *
   * @param config what ran
   * @param metrics all metrics
   * @param hostOpsNanos host time of the ops
   */
  public RunResult(VariantConfig config, List<MetricValue> metrics, long hostOpsNanos) {
    this(config, metrics, hostOpsNanos, 0);
  }

  /**
   * The value of metric {@code name}.
   *
   * @param name a metric name, e.g. {@code tlb_misses}
   * @return its value
   * @throws UnknownMetricException when this run has no such metric
   */
  public double get(String name) {
    return metric(name).value();
  }

  /**
   * Metric {@code name} with its descriptor (unit, better direction).
   *
   * @param name a metric name
   * @return the metric
   * @throws UnknownMetricException when this run has no such metric
   */
  public MetricValue metric(String name) {
    return find(name).orElseThrow(() -> new UnknownMetricException(name, names()));
  }

  /**
   * Metric {@code name}, if this run reports it.
   *
   * @param name a metric name
   * @return the metric, or empty
   */
  public Optional<MetricValue> find(String name) {
    for (MetricValue m : metrics) {
      if (m.name().equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /**
   * The value of {@code name}, or 0 when this run does not report it: for aggregating runs of
   * different variants, where a metric registered by one variant's plugin is absent (zero) in
   * another's. Callers check the name against the union of the runs first.
   *
   * @param name a metric name
   * @return its value, or 0
   */
  public double valueOrZero(String name) {
    return find(name).map(MetricValue::value).orElse(0.0);
  }

  /**
   * The names of every metric of this run.
   *
   * @return the names, in order
   */
  public List<String> names() {
    List<String> out = new ArrayList<>(metrics.size());
    metrics.forEach(m -> out.add(m.name()));
    return out;
  }
}
