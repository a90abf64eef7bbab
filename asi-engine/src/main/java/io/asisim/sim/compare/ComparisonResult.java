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
 * @param reference the label of the variant every other is compared against, or null: each
 *     variant against its own {@code --asi off} baseline
 */
public record ComparisonResult(String title, List<VariantRuns> variants, String reference) {
  public ComparisonResult {
    variants = List.copyOf(variants);
    if (reference != null && variants.stream().noneMatch(v -> v.label().equals(reference))) {
      throw new IllegalArgumentException("no variant labelled '" + reference + "'");
    }
  }

  /** Each variant compared against its own baseline. */
  public ComparisonResult(String title, List<VariantRuns> variants) {
    this(title, variants, null);
  }

  /** This comparison with every variant compared against the one labelled {@code label}. */
  public ComparisonResult withReference(String label) {
    return new ComparisonResult(title, variants, label);
  }

  /** What {@code v} is compared against: the reference, or else its baseline. */
  public VariantRuns referenceOf(VariantRuns v) {
    if (reference == null) {
      return baselineOf(v);
    }
    return variants.stream().filter(x -> x.label().equals(reference)).findFirst().orElseThrow();
  }

  /** Whether {@code v} is what others are compared against (the reference, or a baseline without one). */
  public boolean isReference(VariantRuns v) {
    return reference == null ? v.baseline() : v.label().equals(reference);
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
   * @param delta relative change of the mean against its reference (NaN for a reference, or a zero base)
   * @param verdict for a compared row one of {@link SampleStatistics}'s verdicts ({@code better},
   *     {@code worse}, {@code differs}, {@code within noise}, {@code 1 sample}); empty for a reference
   * @param test the test behind the verdict (see {@link SampleStatistics}), empty for a reference
   * @param pValue its two-sided p-value, NaN when no test ran
   * @param reference whether this row is what the others are compared against
   */
  public record Row(String variant, VariantRuns.Stats stats, double delta, String verdict, String test,
      double pValue, boolean reference) {}

  /** The rows of the table for {@code metric}. */
  public List<Row> rows(String metric) {
    MetricDescriptor d = metrics().get(metric);
    Better better = d == null ? Better.NEITHER : d.better();
    List<Row> rows = new ArrayList<>();
    for (VariantRuns v : variants) {
      VariantRuns.Stats s = v.stats(metric);
      if (isReference(v)) {
        rows.add(new Row(v.label(), s, Double.NaN, "", "", Double.NaN, true));
        continue;
      }
      VariantRuns ref = referenceOf(v);
      double base = ref.stats(metric).mean();
      double delta = base == 0 ? (s.mean() == 0 ? 0 : Double.NaN) : (s.mean() - base) / Math.abs(base);
      SampleStatistics.Significance sig = SampleStatistics.compare(ref.values(metric), v.values(metric), better);
      rows.add(new Row(v.label(), s, delta, sig.verdict(), sig.test(), sig.pValue(), false));
    }
    return rows;
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
