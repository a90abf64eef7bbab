package io.asisim.sim.run;

import io.asisim.api.metrics.MetricDescriptor;

/**
 * One metric of a finished run.
 *
 * @param descriptor name, unit and direction
 * @param value the value; integral for counters
 * @param integral whether the value is a count (printed without decimals)
 */
public record MetricValue(MetricDescriptor descriptor, double value, boolean integral) {
  /** The metric's name. */
  public String name() {
    return descriptor.name();
  }
}
