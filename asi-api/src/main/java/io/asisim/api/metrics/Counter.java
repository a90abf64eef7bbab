package io.asisim.api.metrics;

/**
 * A mutable 64-bit metric cell. Obtain once from {@link Metrics#counter} and keep the reference:
 * updates are a field write, so hot paths allocate nothing and do no lookup.
 */
public final class Counter {
  private final MetricDescriptor descriptor;
  private final boolean gauge;
  private long value;

  Counter(MetricDescriptor descriptor, boolean gauge) {
    this.descriptor = descriptor;
    this.gauge = gauge;
  }

  /**
   * Whether this is a gauge (a level, e.g. page-table pages in use) rather than a count of events;
   * reports of a measured interval take a gauge's final value instead of its change.
   */
  public boolean isGauge() {
    return gauge;
  }

  /** Adds one. */
  public void inc() {
    value++;
  }

  /** Adds {@code n}. */
  public void add(long n) {
    value += n;
  }

  /** Sets the value, for gauges sampled at the end of a run (e.g. {@code pool_stranded_pages}). */
  public void set(long v) {
    value = v;
  }

  /** The current value. */
  public long get() {
    return value;
  }

  /** What this counter measures. */
  public MetricDescriptor descriptor() {
    return descriptor;
  }
}
