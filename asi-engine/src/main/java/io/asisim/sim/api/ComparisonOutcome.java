package io.asisim.sim.api;

import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.sim.BadInputException;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import io.asisim.sim.run.UnknownMetricException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The typed results of a comparison: per metric, one row per variant (baselines first) with its
 * sample statistics, its change against its baseline and whether that is better or worse for the
 * metric. Asking for a metric or variant the comparison does not have throws, listing the valid
 * names.
 */
public final class ComparisonOutcome {
  private final ComparisonResult result;

  ComparisonOutcome(ComparisonResult result) {
    this.result = result;
  }

  /**
   * The engine's result, with every sample of every variant (what the CLI's reports render).
   *
   * @return the full result
   */
  public ComparisonResult result() {
    return result;
  }

  /**
   * The comparison's title.
   *
   * @return the title given to {@link AsiSim#comparison(String)}
   */
  public String title() {
    return result.title();
  }

  /**
   * The row labels: baselines first (e.g. {@code baseline (asi off)}), then the variants, each
   * named by the options that set it apart (e.g. {@code flush=precise}).
   *
   * @return the labels in report order
   */
  public List<String> labels() {
    List<String> out = new ArrayList<>();
    result.variants().forEach(v -> out.add(v.label()));
    return out;
  }

  /**
   * The label of {@code v} in this comparison.
   *
   * @param v a variant that was added to the comparison
   * @return its row label
   * @throws BadInputException when {@code v} was not part of it
   */
  public String label(Variant v) {
    for (VariantRuns r : result.variants()) {
      if (r.config().equals(v.config())) {
        return r.label();
      }
    }
    throw new BadInputException("variant " + v + " is not part of comparison '" + title() + "' (labels: "
        + String.join(", ", labels()) + ")");
  }

  /**
   * The names of every metric any run reported, in name order.
   *
   * @return the metric names
   */
  public List<String> metricNames() {
    return List.copyOf(result.metrics().keySet());
  }

  /**
   * One metric's table.
   *
   * @param name a metric name, e.g. {@code tlb_shootdown_ipis}
   * @return its descriptor and rows
   * @throws UnknownMetricException when no run reported {@code name}; lists the valid names
   */
  public MetricComparison metric(String name) {
    Map<String, MetricDescriptor> ds = result.metrics();
    MetricDescriptor d = ds.get(name);
    if (d == null) {
      throw new UnknownMetricException(name, List.copyOf(ds.keySet()));
    }
    return new MetricComparison(d, result.rows(name));
  }

  /**
   * One metric of a comparison: what it measures and one row per variant.
   *
   * @param descriptor name, unit, better direction, meaning
   * @param rows one row per variant, baselines first
   */
  public record MetricComparison(MetricDescriptor descriptor, List<ComparisonResult.Row> rows) {
    /**
     * Copies {@code rows}.
     *
     * @param descriptor the metric
     * @param rows one row per variant
     */
    public MetricComparison {
      rows = List.copyOf(rows);
    }

    /**
     * The row of one variant.
     *
     * @param label a label of {@link ComparisonOutcome#labels()}
     * @return its row
     * @throws BadInputException when there is no such row; lists the labels
     */
    public ComparisonResult.Row row(String label) {
      List<String> labels = new ArrayList<>();
      for (ComparisonResult.Row r : rows) {
        if (r.variant().equals(label)) {
          return r;
        }
        labels.add(r.variant());
      }
      throw new BadInputException("no variant '" + label + "' in the rows of " + descriptor.name() + " (labels: "
          + String.join(", ", labels) + ")");
    }
  }
}
