package io.asisim.sim.run;

import io.asisim.sim.config.VariantConfig;
import java.util.List;

/**
 * The outcome of one run: its config and its metrics in name order. Deterministic for a config and
 * seed; host timing is deliberately not part of it.
 *
 * @param config what ran
 * @param metrics all metrics, sorted by name
 * @param hostOpsNanos host time the ops took (set-up and tear-down excluded); not part of any
 *     deterministic output
 */
public record RunResult(VariantConfig config, List<MetricValue> metrics, long hostOpsNanos) {
  public RunResult {
    metrics = List.copyOf(metrics);
  }

  /** The value of metric {@code name}, or 0 when absent. */
  public double get(String name) {
    for (MetricValue m : metrics) {
      if (m.name().equals(name)) {
        return m.value();
      }
    }
    return 0;
  }
}
