package io.asisim.report;

import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.VectorGraphicsEncoder;

/**
 * Charts of a comparison: one bar chart per headline metric (mean over samples, error bars one
 * sample standard deviation) and a cost-versus-exposure scatter of all variants when the run
 * measured exposure. Each chart is written as PNG and SVG.
 */
public final class Charts {
  /** Metrics that get a bar chart when they differ between variants, in this order. */
  public static final List<String> HEADLINE = List.of("throughput_ops_per_s", "cycles_per_op", "asi_exits",
      "tlb_shootdown_ipis", "pageblock_flips_to_sensitive", "pageblock_flips_to_nonsensitive", "pages_zeroed",
      "pool_refills", "direct_map_splits", "restricted_map_splits", "alloc_failures", "transient_map_fallbacks",
      "leak_exposures", "leak_exposure_cycles", "mitigation_cycles");

  private Charts() {}

  /** Writes the charts of {@code r} into {@code dir} with file names starting {@code prefix}; returns the names. */
  public static List<String> write(ComparisonResult r, Path dir, String prefix) throws IOException {
    List<String> written = new ArrayList<>();
    List<String> differing = r.interestingMetrics();
    Map<String, MetricDescriptor> ds = r.metrics();
    for (String metric : HEADLINE) {
      if (!differing.contains(metric)) {
        continue;
      }
      written.addAll(save(bar(r, metric, ds.get(metric)), dir, prefix + "-" + metric.replace('_', '-')));
    }
    if (differing.contains("leak_exposure_cycles") && ds.containsKey("cycles_per_op")) {
      written.addAll(save(scatter(r), dir, prefix + "-cost-vs-exposure"));
    }
    return written;
  }

  private static CategoryChart bar(ComparisonResult r, String metric, MetricDescriptor d) {
    String direction = d.better() == Better.HIGHER ? "higher is better" : d.better() == Better.LOWER
        ? "lower is better" : "informational";
    CategoryChart c = new CategoryChartBuilder().width(900).height(640)
        .title(metric + " — " + shortTitle(r))
        .xAxisTitle("variant")
        .yAxisTitle(metric + " (" + d.unit() + ", " + direction + ")")
        .build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    c.getStyler().setErrorBarsColorSeriesColor(false);
    c.getStyler().setXAxisLabelRotation(90); // long variant names stay under their own bar
    c.getStyler().setChartPadding(24);
    c.getStyler().setChartTitleFont(c.getStyler().getChartTitleFont().deriveFont(13f));
    List<String> labels = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    List<Double> errs = new ArrayList<>();
    for (VariantRuns v : r.variants()) {
      VariantRuns.Stats s = v.stats(metric);
      labels.add(v.label());
      means.add(s.mean());
      errs.add(s.stddev());
    }
    c.addSeries("mean of " + r.variants().get(0).samples().size() + " samples (error bar: 1 std dev)",
        labels, means, errs);
    return c;
  }

  private static XYChart scatter(ComparisonResult r) {
    XYChart c = new XYChartBuilder().width(900).height(520)
        .title("Cost vs exposure — " + shortTitle(r))
        .xAxisTitle("cycles_per_op (cycles, lower is better)")
        .yAxisTitle("leak_exposure_cycles (cycles, lower is better)")
        .build();
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    c.getStyler().setMarkerSize(10);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    for (VariantRuns v : r.variants()) {
      c.addSeries(v.label(), new double[] {v.stats("cycles_per_op").mean()},
          new double[] {v.stats("leak_exposure_cycles").mean()});
    }
    return c;
  }

  /** The comparison's title up to its first colon, so chart titles fit. */
  private static String shortTitle(ComparisonResult r) {
    int colon = r.title().indexOf(':');
    return colon > 0 ? r.title().substring(0, colon) : r.title();
  }

  private static List<String> save(Chart<?, ?> chart, Path dir, String base) throws IOException {
    String stem = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-");
    BitmapEncoder.saveBitmap(chart, dir.resolve(stem).toString(), BitmapEncoder.BitmapFormat.PNG);
    VectorGraphicsEncoder.saveVectorGraphic(chart, dir.resolve(stem).toString(),
        VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    return List.of(stem + ".png", stem + ".svg");
  }
}
