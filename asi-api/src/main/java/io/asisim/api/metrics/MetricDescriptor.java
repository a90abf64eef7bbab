package io.asisim.api.metrics;

import java.util.Objects;

/**
 * A metric: its stable snake_case name (a contract, see docs/contracts.md), unit, better direction and a
 * one-line description. Families such as {@code asi_exits} have per-key children named
 * {@code asi_exits.<key>} that share the family's unit and direction.
 *
 * @param name snake_case name, e.g. {@code tlb_shootdown_ipis}
 * @param unit unit shown in reports, e.g. {@code count}, {@code cycles}, {@code ns}, {@code ops/s}
 * @param better which direction is an improvement
 * @param description one line
 */
public record MetricDescriptor(String name, String unit, Better better, String description) {
  public MetricDescriptor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(better, "better");
    Objects.requireNonNull(description, "description");
    if (!name.matches("[a-z0-9_]+(\\.[a-z0-9_-]+)?")) {
      throw new IllegalArgumentException("metric name must be snake_case[.key]: " + name);
    }
  }

  /** The child metric {@code name.key} of this family, with the same unit and direction. */
  public MetricDescriptor child(String key) {
    return new MetricDescriptor(name + "." + key, unit, better, description + " (" + key + ")");
  }
}
