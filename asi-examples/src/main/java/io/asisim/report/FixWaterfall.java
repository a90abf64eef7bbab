package io.asisim.report;

import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import java.awt.Color;
import java.io.PrintWriter;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.WaterfallBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * "What each fix is worth": a comparison whose ASI-on variants are, in order, the posted
 * configuration, then each fix applied alone to it, then all fixes together. The overhead of a
 * variant is its {@value #METRIC} mean over its own {@code --asi off} baseline's, minus one; a fix's
 * worth is how much of the posted overhead it removes alone. The fixes do not add up exactly (they
 * interact: without exits on context switches, flushing CR3 writes happen less often, so NOFLUSH is
 * worth less), so the waterfall ends with the interaction term that reaches the all-fixes overhead.
 */
public final class FixWaterfall {
  /** The cost metric the overhead is measured on. */
  public static final String METRIC = "cycles_per_op";

  private FixWaterfall() {}

  /** One step: the variant label, its overhead, and (for a fix) the share of the posted overhead it removes. */
  public record Step(String label, double overhead, double removed, double share) {}

  /** {@code r} with its ASI-on variants named {@code steps}, in order (baselines keep their labels). */
  public static ComparisonResult relabel(ComparisonResult r, List<String> steps) {
    List<VariantRuns> vs = new ArrayList<>();
    int i = 0;
    for (VariantRuns v : r.variants()) {
      vs.add(v.baseline() ? v : new VariantRuns(steps.get(i++), v.config(), false, v.baselineLabel(), v.samples()));
    }
    if (i != steps.size()) {
      throw new IllegalArgumentException(steps.size() + " step names for " + i + " variants");
    }
    return new ComparisonResult(r.title(), vs);
  }

  /** The steps of {@code r}: posted, each fix, all fixes (the comparison's ASI-on variants in order). */
  public static List<Step> steps(ComparisonResult r) {
    List<VariantRuns> on = new ArrayList<>();
    for (VariantRuns v : r.variants()) {
      if (!v.baseline()) {
        on.add(v);
      }
    }
    if (on.size() < 3) {
      throw new IllegalArgumentException("a fix waterfall needs the posted variant, fixes and all fixes, got " + on.size());
    }
    double posted = overhead(r, on.get(0));
    List<Step> out = new ArrayList<>();
    for (int i = 0; i < on.size(); i++) {
      double o = overhead(r, on.get(i));
      double removed = i == 0 ? 0 : posted - o;
      out.add(new Step(on.get(i).label(), o, removed, posted == 0 ? Double.NaN : removed / posted));
    }
    return out;
  }

  private static double overhead(ComparisonResult r, VariantRuns v) {
    double base = r.baselineOf(v).stats(METRIC).mean();
    return base == 0 ? Double.NaN : v.stats(METRIC).mean() / base - 1;
  }

  /** The table: step, overhead over --asi off, points removed, share of the posted overhead removed. */
  public static void table(ComparisonResult r, CompareReport.Style style, PrintWriter out) {
    TextTable t = new TextTable("step", ">overhead vs asi off", ">removed (points)", ">share of posted overhead");
    List<Step> steps = steps(r);
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      t.row(s.label(), Numbers.percent(s.overhead()), i == 0 ? "" : Numbers.percent(s.removed()),
          i == 0 ? "" : Numbers.percent(s.share()));
    }
    out.println((style == CompareReport.Style.MARKDOWN ? "### " : "") + r.title() + " (overhead of " + METRIC + ")");
    out.println();
    t.print(style, out);
    out.println();
  }

  /**
   * The waterfall chart: the posted overhead, a falling bar per fix (its removal alone), the
   * interaction term, and the all-fixes overhead, as horizontal bars (the step names on the left).
   */
  public static RenderedChart chart(ComparisonResult r, String stem) {
    List<Step> steps = steps(r);
    int last = steps.size() - 1;
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    String series = "overhead";
    double level = 100 * steps.get(0).overhead();
    data.addValue(level, series, steps.get(0).label());
    for (int i = 1; i < last; i++) {
      double d = 100 * steps.get(i).removed();
      level -= d;
      data.addValue(-d, series, steps.get(i).label());
    }
    double all = 100 * steps.get(last).overhead();
    data.addValue(all - level, series, "interaction"); // what the fixes remove together beyond their sum alone
    data.addValue(all, series, steps.get(last).label()); // the renderer draws the last bar from zero
    CategoryAxis cats = new CategoryAxis(null);
    cats.setMaximumCategoryLabelWidthRatio(0.35f);
    cats.setMaximumCategoryLabelLines(3);
    NumberAxis value = new NumberAxis("overhead of " + METRIC + " over --asi off (%)");
    value.setNumberFormatOverride(new DecimalFormat("0.#'%'", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    value.setUpperMargin(0.15);
    WaterfallBarRenderer bars = new WaterfallBarRenderer(Charts.BAR, new Color(0xC4, 0x4E, 0x52),
        new Color(0x55, 0xA8, 0x68), Charts.BAR); // total bars blue, an added cost red, a removal green
    bars.setDrawBarOutline(false);
    bars.setShadowVisible(false);
    bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
        new DecimalFormat("+0.0'%';-0.0'%'", DecimalFormatSymbols.getInstance(Locale.ROOT))));
    bars.setDefaultItemLabelsVisible(true);
    bars.setDefaultPositiveItemLabelPosition(Charts.END_OF_BAR);
    bars.setDefaultNegativeItemLabelPosition(Charts.END_OF_BAR);
    bars.setItemLabelAnchorOffset(8);
    CategoryPlot plot = new CategoryPlot(data, cats, value, bars);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
    JFreeChart chart = new JFreeChart("What each fix is worth", JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    chart.addSubtitle(new TextTitle(r.title() + " (green: overhead a fix removes alone; red: added)"));
    return RenderedChart.draw(chart, stem, "what each fix is worth: " + r.title(), 900, 170 + 40 * (last + 2));
  }
}
