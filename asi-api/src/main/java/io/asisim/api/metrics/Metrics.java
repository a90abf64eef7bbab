package io.asisim.api.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counters of one simulated variant. Not thread-safe: one variant runs on one host thread.
 * Counters are created on first request and reported in name order, so output is deterministic.
 */
public final class Metrics {
  private final Map<String, Counter> counters = new TreeMap<>();

  /** The counter for {@code d}, created at zero on first use (an existing gauge of that name is returned as is). */
  public Counter counter(MetricDescriptor d) {
    return get(d, false);
  }

  /** The gauge for {@code d} (a level that goes up and down, see {@link Counter#isGauge()}). */
  public Counter gauge(MetricDescriptor d) {
    return get(d, true);
  }

  private Counter get(MetricDescriptor d, boolean gauge) {
    Counter c = counters.get(d.name());
    if (c == null) {
      c = new Counter(d, gauge);
      counters.put(d.name(), c);
    } else if (!c.descriptor().unit().equals(d.unit()) || c.descriptor().better() != d.better()
        || (gauge && !c.isGauge())) {
      // counter() may fetch an existing gauge to read it; a gauge cannot be re-declared as a counter's twin
      throw new IllegalArgumentException("metric " + d.name() + " registered twice with different unit/direction/kind");
    }
    return c;
  }

  /** The child counter {@code family.key}, e.g. {@code asi_exits.page_fault}. */
  public Counter counter(MetricDescriptor family, String key) {
    return counter(family.child(key));
  }

  /** Current value of {@code name}, 0 if it was never registered. */
  public long get(String name) {
    Counter c = counters.get(name);
    return c == null ? 0 : c.get();
  }

  /** All counters by name, in name order. The map is a read-only view. */
  public Map<String, Counter> all() {
    return Collections.unmodifiableMap(counters);
  }
}
