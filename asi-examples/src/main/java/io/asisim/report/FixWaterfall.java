package io.asisim.report;

import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.VectorGraphicsEncoder;

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
  public static void table(ComparisonResult r, boolean markdown, PrintWriter out) {
    TextTable t = new TextTable("step", ">overhead vs asi off", ">removed (points)", ">share of posted overhead");
    List<Step> steps = steps(r);
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      t.row(s.label(), pct(s.overhead()), i == 0 ? "" : pct(s.removed()), i == 0 ? "" : pct(s.share()));
    }
    out.println((markdown ? "### " : "") + r.title() + " (overhead of " + METRIC + ")");
    out.println();
    if (markdown) {
      t.printMarkdown(out);
    } else {
      t.printText(out);
    }
    out.println();
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", 100 * v);
  }

  /**
   * The waterfall chart: the posted overhead, a falling bar per fix (its removal alone), the
   * interaction term, and the all-fixes overhead. Written as PNG and SVG; returns the file names.
   */
  public static List<String> chart(ComparisonResult r, Path dir, String stem) throws IOException {
    List<Step> steps = steps(r);
    int last = steps.size() - 1;
    List<String> cats = new ArrayList<>();
    List<Double> base = new ArrayList<>();
    List<Double> bar = new ArrayList<>();
    double level = 100 * steps.get(0).overhead();
    cats.add(steps.get(0).label());
    base.add(0.0);
    bar.add(level);
    for (int i = 1; i < last; i++) {
      double d = 100 * steps.get(i).removed();
      level -= d;
      cats.add(steps.get(i).label());
      base.add(Math.min(level, level + d));
      bar.add(Math.abs(d));
    }
    double all = 100 * steps.get(last).overhead();
    double interaction = level - all; // what the fixes remove together beyond their sum alone
    cats.add("interaction");
    base.add(Math.min(level, all));
    bar.add(Math.abs(interaction));
    cats.add(steps.get(last).label());
    base.add(0.0);
    bar.add(all);
    CategoryChart c = new CategoryChartBuilder().width(1000).height(640)
        .title("What each fix is worth — " + r.title())
        .xAxisTitle("step").yAxisTitle("overhead of " + METRIC + " over --asi off (%)").build();
    c.getStyler().setStacked(true);
    c.getStyler().setLegendVisible(false);
    c.getStyler().setXAxisLabelRotation(30);
    c.getStyler().setChartPadding(24);
    c.getStyler().setYAxisDecimalPattern("0.#");
    CategorySeries invisible = c.addSeries("base", cats, base);
    invisible.setFillColor(new Color(0, 0, 0, 0));
    c.addSeries("overhead", cats, bar).setFillColor(new Color(0x4C, 0x72, 0xB0));
    String s = stem.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-");
    BitmapEncoder.saveBitmap(c, dir.resolve(s).toString(), BitmapEncoder.BitmapFormat.PNG);
    VectorGraphicsEncoder.saveVectorGraphic(c, dir.resolve(s).toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    return List.of(s + ".png", s + ".svg");
  }
}
