package io.asisim.api.metrics;

/** Which direction of a metric is an improvement; reports print Δ as better/worse from this. */
public enum Better {
  LOWER,
  HIGHER,
  /** Informational: neither direction is better (e.g. {@code ops}, {@code trace_events}). */
  NEITHER
}
