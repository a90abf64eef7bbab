package io.asisim.sim.compare;

import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.sim.run.MetricValue;
import io.asisim.sim.run.RunResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * All variants of a comparison with their samples, baselines first.
 *
 * @param title what was compared
 * @param variants baselines then variants, in cross-product order
 */
public record ComparisonResult(String title, List<VariantRuns> variants) {
  public ComparisonResult {
    variants = List.copyOf(variants);
  }

  /** Every metric any sample reports, by name, with its descriptor. */
  public Map<String, MetricDescriptor> metrics() {
    Map<String, MetricDescriptor> m = new TreeMap<>();
    for (VariantRuns v : variants) {
      for (RunResult r : v.samples()) {
        for (MetricValue mv : r.metrics()) {
          m.putIfAbsent(mv.name(), mv.descriptor());
        }
      }
    }
    return m;
  }

  /** The baseline a variant is compared against. */
  public VariantRuns baselineOf(VariantRuns v) {
    for (VariantRuns b : variants) {
      if (b.baseline() && b.label().equals(v.baselineLabel())) {
        return b;
      }
    }
    throw new IllegalStateException("no baseline " + v.baselineLabel());
  }

  /**
   * One row of a per-metric table.
   *
   * @param variant label
   * @param stats the variant's statistics
   * @param delta relative change of the mean against its baseline (NaN for a baseline or a zero base)
   * @param verdict {@code better}, {@code worse}, {@code same} or empty (baseline, or no direction)
   */
  public record Row(String variant, VariantRuns.Stats stats, double delta, String verdict) {}

  /** The rows of the table for {@code metric}. */
  public List<Row> rows(String metric) {
    MetricDescriptor d = metrics().get(metric);
    List<Row> rows = new ArrayList<>();
    for (VariantRuns v : variants) {
      VariantRuns.Stats s = v.stats(metric);
      if (v.baseline()) {
        rows.add(new Row(v.label(), s, Double.NaN, ""));
        continue;
      }
      double base = baselineOf(v).stats(metric).mean();
      double delta = base == 0 ? (s.mean() == 0 ? 0 : Double.NaN) : (s.mean() - base) / Math.abs(base);
      rows.add(new Row(v.label(), s, delta, verdict(d, s.mean(), base)));
    }
    return rows;
  }

  private static String verdict(MetricDescriptor d, double mean, double base) {
    if (d == null || d.better() == Better.NEITHER) {
      return "";
    }
    if (mean == base) {
      return "same";
    }
    boolean higher = mean > base;
    return (higher == (d.better() == Better.HIGHER)) ? "better" : "worse";
  }

  /** Metrics whose value differs between any two samples of any variants (what is worth a table). */
  public List<String> interestingMetrics() {
    List<String> out = new ArrayList<>();
    for (String m : metrics().keySet()) {
      Map<Double, Boolean> seen = new LinkedHashMap<>();
      for (VariantRuns v : variants) {
        for (RunResult r : v.samples()) {
          seen.put(r.valueOrZero(m), Boolean.TRUE);
        }
      }
      if (seen.size() > 1) {
        out.add(m);
      }
    }
    return out;
  }
}
