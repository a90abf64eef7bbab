package io.asisim.report;

import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Charts of a comparison: one horizontal bar chart per headline metric (mean over samples, error
 * bars one sample standard deviation, baselines grey; variant names on the left, wrapped, never
 * rotated) and a cost-versus-exposure scatter when the run measured exposure, on log axes where
 * the values span more than {@value #LOG_SPAN}×. Axis numbers carry SI prefixes.
 */
public final class Charts {
  /** Metrics that get a bar chart when they differ between variants, in this order. */
  public static final List<String> HEADLINE = List.of("throughput_ops_per_s", "cycles_per_op", "asi_exits",
      "tlb_shootdown_ipis", "pageblock_flips_to_sensitive", "pageblock_flips_to_nonsensitive", "pages_zeroed",
      "pool_refills", "direct_map_splits", "restricted_map_splits", "alloc_failures", "transient_map_fallbacks",
      "leak_exposures", "leak_exposure_cycles", "mitigation_cycles");

  /** Values spanning more than this factor (two decades) go on a log axis. */
  static final double LOG_SPAN = 100;

  static final Color BAR = new Color(0x4C, 0x72, 0xB0);
  static final Color BASELINE = new Color(0x9A, 0x9A, 0x9A);
  private static final int WIDTH = 900;
  /** A horizontal bar's value just right of its end. */
  static final ItemLabelPosition END_OF_BAR = new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT);

  private Charts() {}

  /** The charts of {@code r}, file names starting {@code section} (a slug naming the comparison). */
  public static List<RenderedChart> of(ComparisonResult r, String section) {
    List<RenderedChart> out = new ArrayList<>();
    List<String> differing = r.interestingMetrics();
    Map<String, MetricDescriptor> ds = r.metrics();
    for (String metric : HEADLINE) {
      if (differing.contains(metric)) {
        out.add(bar(r, metric, ds.get(metric), section + "-" + RenderedChart.slug(metric)));
      }
    }
    if (differing.contains("leak_exposure_cycles") && ds.containsKey("cycles_per_op")) {
      out.add(scatter(r, section + "-cost-vs-exposure"));
    }
    return out;
  }

  private static RenderedChart bar(ComparisonResult r, String metric, MetricDescriptor d, String stem) {
    DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
    int n = r.variants().get(0).samples().size();
    String series = n == 1 ? "one sample per variant" : "mean of " + n + " samples; error bar: 1 standard deviation";
    List<Boolean> baseline = new ArrayList<>();
    for (VariantRuns v : r.variants()) {
      VariantRuns.Stats s = v.stats(metric);
      data.add(Double.valueOf(s.mean()), s.n() > 1 ? Double.valueOf(s.stddev()) : null, series, v.label()); // null: no bar
      baseline.add(v.baseline());
    }
    CategoryAxis variants = new CategoryAxis(null);
    variants.setMaximumCategoryLabelWidthRatio(0.42f); // long names wrap onto several lines
    variants.setMaximumCategoryLabelLines(4);
    variants.setCategoryMargin(0.25);
    NumberAxis value = new NumberAxis(metric + " (" + d.unit() + ", " + CompareReport.direction(d) + ")");
    value.setNumberFormatOverride(new SiFormat());
    value.setUpperMargin(0.18); // the value printed at the end of the longest bar stays inside
    StatisticalBarRenderer bars = new StatisticalBarRenderer() {
      private static final long serialVersionUID = 1L;

      @Override
      public Paint getItemPaint(int row, int column) {
        return baseline.get(column) ? BASELINE : BAR;
      }
    };
    bars.setSeriesPaint(0, BAR);
    bars.setErrorIndicatorPaint(Color.BLACK);
    bars.setDrawBarOutline(false);
    bars.setShadowVisible(false);
    bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new SiFormat()));
    bars.setDefaultItemLabelsVisible(true);
    bars.setDefaultPositiveItemLabelPosition(END_OF_BAR);
    bars.setItemLabelAnchorOffset(8);
    CategoryPlot plot = new CategoryPlot(data, variants, value, bars);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
    JFreeChart chart = new JFreeChart(metric, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.addSubtitle(new TextTitle(r.title() + " (grey: --asi off baselines)"));
    String title = metric + ": " + r.title();
    return RenderedChart.draw(chart, stem, title, WIDTH, 150 + 34 * r.variants().size());
  }

  private static RenderedChart scatter(ComparisonResult r, String stem) {
    XYSeriesCollection data = new XYSeriesCollection();
    List<double[]> points = new ArrayList<>();
    // no restricted address space, no exposure: a baseline is a reference line, not a point
    TreeMap<Double, String> baselineCost = new TreeMap<>();
    for (VariantRuns v : r.variants()) {
      double cost = v.stats("cycles_per_op").mean();
      if (v.baseline()) {
        baselineCost.put(cost, v.label().replace("baseline (asi off)", "--asi off").strip());
        continue;
      }
      points.add(new double[] {cost, v.stats("leak_exposure_cycles").mean()});
      data.addSeries(new XYSeries(v.label(), false));
    }
    double floorY = logFloor(points, 1);
    for (int i = 0; i < points.size(); i++) {
      double y = points.get(i)[1];
      data.getSeries(i).add(points.get(i)[0], Double.isNaN(floorY) || y > 0 ? y : floorY);
    }
    double floorX = logFloor(points, 0);
    ValueAxis x = axis("cycles_per_op (cycles, lower is better)", points, 0, floorX);
    ValueAxis y = axis("leak_exposure_cycles (cycles, lower is better)", points, 1, floorY);
    XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
    XYPlot plot = new XYPlot(data, x, y, dots);
    for (Map.Entry<Double, String> b : baselineCost.entrySet()) {
      ValueMarker m = new ValueMarker(b.getKey(), BASELINE, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
          1, new float[] {6, 4}, 0));
      m.setLabel(b.getValue());
      m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
      m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(m);
    }
    JFreeChart chart = new JFreeChart("Cost vs exposure", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    boolean zeroOnLog = !Double.isNaN(floorY) && points.stream().anyMatch(p -> p[1] <= 0);
    String note = zeroOnLog ? "; no exposure is drawn at " + Numbers.si(floorY) + ": a log axis has no 0" : "";
    chart.addSubtitle(new TextTitle(r.title() + " (mean over samples" + note + ")"));
    return RenderedChart.draw(chart, stem, "cost vs exposure: " + r.title(), WIDTH, 560 + 18 * (points.size() / 3));
  }

  /**
   * Where a log axis over coordinate {@code i} of {@code points} puts zero (a tenth of the smallest
   * positive value), or NaN when that axis is linear: values spanning at most {@link #LOG_SPAN}×.
   */
  static double logFloor(List<double[]> points, int i) {
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (double[] p : points) {
      if (p[i] > 0) {
        min = Math.min(min, p[i]);
        max = Math.max(max, p[i]);
      }
    }
    if (max == 0 || max / min <= LOG_SPAN) {
      return Double.NaN;
    }
    return min / 10;
  }

  private static ValueAxis axis(String label, List<double[]> points, int i, double floor) {
    if (Double.isNaN(floor)) {
      NumberAxis a = new NumberAxis(label);
      a.setAutoRangeIncludesZero(i == 1); // exposure starts at none; cost differences are what matters
      a.setNumberFormatOverride(new SiFormat());
      return a;
    }
    LogAxis a = new LogAxis(label + ", log scale");
    a.setBase(10);
    a.setSmallestValue(floor);
    a.setNumberFormatOverride(new SiFormat());
    double max = points.stream().mapToDouble(p -> p[i]).max().orElse(floor);
    // ticks on whole decades only (1 M, 10 M, ...), at most about eight of them
    double decades = Math.log10(max / floor);
    a.setTickUnit(new NumberTickUnit(Math.max(1, Math.ceil(decades / 8))), false, false);
    a.setAutoTickUnitSelection(false);
    return a;
  }
}
