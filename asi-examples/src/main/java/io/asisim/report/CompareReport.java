package io.asisim.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.SampleStatistics;
import io.asisim.sim.compare.VariantRuns;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code asi-sim compare}: per metric, variant | samples | mean | min | max | Δ mean vs the
 * reference, where Δ says whether the change is better, worse or within noise for that metric
 * ({@link SampleStatistics}); the text formats add spread, confidence interval and p-value.
 */
public final class CompareReport {
  private CompareReport() {}

  /** Which metrics to print: all, or only those that differ somewhere. */
  public enum Scope { ALL, DIFFERING }

  /** How tables look: aligned text, GitHub Markdown, or the boxed tables of mailing-list postings. */
  public enum Style { TEXT, MARKDOWN, LKML }

  /**
   * The metrics a report of {@code r} shows: {@code selected} ({@code --metrics}, in its order)
   * where some sample reports them, else those of {@code scope}.
   */
  public static List<String> metrics(ComparisonResult r, Scope scope, List<String> selected) {
    if (selected != null) {
      Map<String, MetricDescriptor> ds = r.metrics();
      return selected.stream().filter(ds::containsKey).collect(Collectors.toList());
    }
    return scope == Scope.ALL ? List.copyOf(r.metrics().keySet()) : r.interestingMetrics();
  }

  /**
   * The metrics of the per-metric tables: as {@link #metrics}, but without {@code --metrics} the
   * summary's headline metrics come first (a reader starts with cost), then the rest by name.
   */
  public static List<String> tableMetrics(ComparisonResult r, Scope scope, List<String> selected) {
    List<String> ms = metrics(r, scope, selected);
    if (selected != null) {
      return ms;
    }
    List<String> out = new ArrayList<>();
    CompareSummary.HEADLINE.stream().filter(ms::contains).forEach(out::add);
    ms.stream().filter(m -> !out.contains(m)).forEach(out::add);
    return out;
  }

  /** Text ({@code markdown=false}) or Markdown tables, one per metric of {@code scope}. */
  public static void tables(ComparisonResult r, Scope scope, boolean markdown, PrintWriter out) {
    tables(r, metrics(r, scope, null), markdown ? Style.MARKDOWN : Style.TEXT, out);
  }

  /** Tables in {@code style}, one per metric of {@code metrics}. */
  public static void tables(ComparisonResult r, List<String> metrics, Style style, PrintWriter out) {
    Map<String, MetricDescriptor> ds = r.metrics();
    boolean md = style == Style.MARKDOWN;
    out.println(md ? "## " + r.title() : "== " + r.title() + " ==");
    out.println();
    String vs = "Δ mean vs " + (r.reference() == null ? "baseline" : r.reference());
    for (String metric : metrics) {
      MetricDescriptor d = ds.get(metric);
      String head = metric + " (" + d.unit() + ", " + direction(d) + ")";
      out.println(md ? "### " + head : head);
      if (md) {
        out.println();
      }
      TextTable t = style == Style.LKML
          ? new TextTable("variant", ">samples", ">mean", ">min", ">max", vs)
          : new TextTable("variant", ">samples", ">mean", ">stddev", ">95% CI of mean", ">min", ">max", vs, "p (test)");
      String unit = style == Style.LKML ? unitSuffix(d.unit()) : "";
      for (ComparisonResult.Row row : r.rows(metric)) {
        VariantRuns.Stats s = row.stats();
        int dec = Numbers.rowDecimals(s.mean(), s.min(), s.max());
        String mean = Numbers.grouped(s.mean(), dec) + unit;
        String min = Numbers.grouped(s.min(), dec) + unit;
        String max = Numbers.grouped(s.max(), dec) + unit;
        if (style == Style.LKML) {
          t.row(row.variant(), Integer.toString(s.n()), mean, min, max, delta(r, row));
        } else {
          int spread = Numbers.decimalsFor(Math.max(Math.abs(s.mean()), Math.abs(s.max())));
          // no spread: the interval is the mean itself, which the mean column already shows
          boolean spread0 = s.n() < 2 || s.stddev() == 0;
          String sd = s.n() < 2 ? "" : spread0 ? "0" : Numbers.grouped(s.stddev(), spread);
          String ci = spread0 ? "" : Numbers.grouped(s.ci95Low(), spread) + " .. " + Numbers.grouped(s.ci95High(), spread);
          t.row(row.variant(), Integer.toString(s.n()), mean, sd, ci, min, max, delta(r, row), test(row));
        }
      }
      t.print(style, out);
      out.println();
    }
  }

  /** A unit after a number in the boxed tables; counts and ratios need none. */
  private static String unitSuffix(String unit) {
    return unit.equals("count") || unit.equals("ratio") ? "" : " " + unit;
  }

  static String direction(MetricDescriptor d) {
    switch (d.better()) {
      case LOWER:
        return "lower is better";
      case HIGHER:
        return "higher is better";
      default:
        return "informational";
    }
  }

  /** The Δ cell: {@code +3.1% (worse)}, {@code from 0 (worse)}, or what the row is the reference of. */
  static String delta(ComparisonResult r, ComparisonResult.Row row) {
    if (row.reference()) {
      return r.reference() == null ? "(baseline)" : "(reference)";
    }
    String change = Double.isNaN(row.delta()) ? "from 0" : Numbers.percent(row.delta());
    return change + " (" + row.verdict() + ")";
  }

  /** The p (test) cell: {@code 0.012 welch-t}, {@code exact} without spread, empty without a test. */
  private static String test(ComparisonResult.Row row) {
    if (row.test().equals(SampleStatistics.NO_SPREAD)) {
      return "exact";
    }
    if (Double.isNaN(row.pValue())) {
      return "";
    }
    return Numbers.pValue(row.pValue()) + " " + row.test();
  }

  /** The label {@code variant} is compared against (itself for a reference). */
  private static String comparedWith(ComparisonResult r, VariantRuns v) {
    return r.isReference(v) ? v.label() : r.referenceOf(v).label();
  }

  /** One CSV row per variant and metric of {@code metrics}, with a header. */
  public static void csv(ComparisonResult r, List<String> metrics, PrintWriter out) {
    out.println("comparison,metric,unit,better,variant,baseline,samples,mean,min,max,delta_vs_baseline,verdict,"
        + "stddev,ci95_low,ci95_high,p_value,test,reference");
    Map<String, MetricDescriptor> ds = r.metrics();
    for (String metric : metrics) {
      MetricDescriptor d = ds.get(metric);
      List<ComparisonResult.Row> rows = r.rows(metric);
      for (int i = 0; i < rows.size(); i++) {
        ComparisonResult.Row row = rows.get(i);
        VariantRuns v = r.variants().get(i);
        VariantRuns.Stats s = row.stats();
        out.println(String.join(",", csvCell(r.title()), metric, csvCell(d.unit()),
            d.better().name().toLowerCase(Locale.ROOT), csvCell(row.variant()), Boolean.toString(v.baseline()),
            Integer.toString(s.n()), num(s.mean()), num(s.min()), num(s.max()),
            Double.isNaN(row.delta()) ? "" : String.format(Locale.ROOT, "%.6f", row.delta()), csvCell(row.verdict()),
            s.n() < 2 ? "" : num(s.stddev()), s.n() < 2 ? "" : num(s.ci95Low()), s.n() < 2 ? "" : num(s.ci95High()),
            Double.isNaN(row.pValue()) ? "" : String.format(Locale.ROOT, "%.6g", row.pValue()), row.test(),
            csvCell(comparedWith(r, v))));
      }
    }
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.6f", v);
  }

  private static String csvCell(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  /** The whole comparison: variants with configs and per-sample metrics, and per-metric rows. */
  public static ObjectNode json(ComparisonResult r) {
    return json(r, List.copyOf(r.metrics().keySet()));
  }

  /**
   * The comparison limited to {@code metrics}: variants with configs and per-sample values, and
   * per metric its rows with the statistics and the test against the reference ({@code null}
   * where there is none: a one-sample side, or no spread on either side).
   */
  public static ObjectNode json(ComparisonResult r, List<String> metrics) {
    ObjectNode root = Json.object();
    root.put("comparison", r.title());
    if (r.reference() == null) {
      root.putNull("reference"); // each variant against its compared_with baseline
    } else {
      root.put("reference", r.reference());
    }
    ArrayNode vs = root.putArray("variants");
    for (VariantRuns v : r.variants()) {
      ObjectNode o = vs.addObject();
      o.put("label", v.label());
      o.put("baseline", v.baseline());
      o.put("compared_with", comparedWith(r, v));
      o.set("config", Json.variant(v.config()));
      ArrayNode samples = o.putArray("samples");
      v.samples().forEach(s -> samples.add(RunReport.metrics(s, false).retain(metrics)));
    }
    ObjectNode ms = root.putObject("metrics");
    Map<String, MetricDescriptor> ds = r.metrics();
    for (String metric : metrics) {
      ObjectNode mo = ms.putObject(metric);
      mo.put("unit", ds.get(metric).unit());
      mo.put("better", ds.get(metric).better().name().toLowerCase(Locale.ROOT));
      mo.put("description", ds.get(metric).description());
      ArrayNode rows = mo.putArray("rows");
      for (ComparisonResult.Row row : r.rows(metric)) {
        VariantRuns.Stats s = row.stats();
        ObjectNode ro = rows.addObject();
        ro.put("variant", row.variant());
        ro.put("samples", s.n());
        Json.putNumber(ro, "mean", s.mean(), false);
        Json.putNumber(ro, "min", s.min(), false);
        Json.putNumber(ro, "max", s.max(), false);
        Json.putNumber(ro, "delta_vs_baseline", row.delta(), false);
        ro.put("verdict", row.verdict());
        Json.putNumber(ro, "stddev", s.n() < 2 ? Double.NaN : s.stddev(), false);
        Json.putNumber(ro, "ci95_low", s.ci95Low(), false);
        Json.putNumber(ro, "ci95_high", s.ci95High(), false);
        Json.putNumber(ro, "p_value", row.pValue(), false);
        if (row.reference()) {
          ro.putNull("test");
        } else {
          ro.put("test", row.test());
        }
      }
    }
    return root;
  }
}
