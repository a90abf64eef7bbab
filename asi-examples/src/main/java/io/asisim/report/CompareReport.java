package io.asisim.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code asi-sim compare}: per metric, variant | samples | mean | min | max | Δ mean vs baseline,
 * where Δ says whether the change is better or worse for that metric.
 */
public final class CompareReport {
  private CompareReport() {}

  /** Which metrics to print: all, or only those that differ somewhere. */
  public enum Scope { ALL, DIFFERING }

  /** Text ({@code markdown=false}) or Markdown tables, one per metric. */
  public static void tables(ComparisonResult r, Scope scope, boolean markdown, PrintWriter out) {
    Map<String, MetricDescriptor> ds = r.metrics();
    out.println((markdown ? "## " : "== ") + r.title() + (markdown ? "" : " =="));
    out.println();
    for (String metric : metrics(r, scope)) {
      MetricDescriptor d = ds.get(metric);
      String head = metric + " (" + d.unit() + ", " + direction(d) + ")";
      out.println(markdown ? "### " + head : head);
      if (markdown) {
        out.println();
      }
      TextTable t = new TextTable("variant", ">samples", ">mean", ">min", ">max", "Δ mean vs baseline");
      for (ComparisonResult.Row row : r.rows(metric)) {
        VariantRuns.Stats s = row.stats();
        boolean integral = s.n() == 1 || isIntegral(s);
        t.row(row.variant(), Integer.toString(s.n()), Numbers.format(s.mean(), integral && s.mean() == Math.rint(s.mean())),
            Numbers.format(s.min(), integral), Numbers.format(s.max(), integral), delta(row));
      }
      if (markdown) {
        t.printMarkdown(out);
      } else {
        t.printText(out);
      }
      out.println();
    }
  }

  private static boolean isIntegral(VariantRuns.Stats s) {
    return s.min() == Math.rint(s.min()) && s.max() == Math.rint(s.max());
  }

  private static String direction(MetricDescriptor d) {
    switch (d.better()) {
      case LOWER:
        return "lower is better";
      case HIGHER:
        return "higher is better";
      default:
        return "informational";
    }
  }

  private static String delta(ComparisonResult.Row row) {
    if (row.verdict().isEmpty() && Double.isNaN(row.delta())) {
      return row.variant().startsWith("baseline") ? "(baseline)" : "n/a";
    }
    if (Double.isNaN(row.delta())) {
      return "from 0, " + row.verdict();
    }
    return Numbers.percent(row.delta()) + (row.verdict().isEmpty() ? "" : " " + row.verdict());
  }

  private static List<String> metrics(ComparisonResult r, Scope scope) {
    return scope == Scope.ALL ? List.copyOf(r.metrics().keySet()) : r.interestingMetrics();
  }

  /** One CSV row per variant and metric, with a header. */
  public static void csv(ComparisonResult r, PrintWriter out) {
    out.println("comparison,metric,unit,better,variant,baseline,samples,mean,min,max,delta_vs_baseline,verdict");
    Map<String, MetricDescriptor> ds = r.metrics();
    for (String metric : ds.keySet()) {
      MetricDescriptor d = ds.get(metric);
      for (ComparisonResult.Row row : r.rows(metric)) {
        VariantRuns.Stats s = row.stats();
        out.println(String.join(",", csvCell(r.title()), metric, csvCell(d.unit()),
            d.better().name().toLowerCase(Locale.ROOT), csvCell(row.variant()),
            Boolean.toString(row.verdict().isEmpty() && Double.isNaN(row.delta()) && row.variant().startsWith("baseline")),
            Integer.toString(s.n()), num(s.mean()), num(s.min()), num(s.max()),
            Double.isNaN(row.delta()) ? "" : String.format(Locale.ROOT, "%.6f", row.delta()), row.verdict()));
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
    ObjectNode root = Json.object();
    root.put("comparison", r.title());
    ArrayNode vs = root.putArray("variants");
    for (VariantRuns v : r.variants()) {
      ObjectNode o = vs.addObject();
      o.put("label", v.label());
      o.put("baseline", v.baseline());
      o.put("compared_with", v.baselineLabel());
      o.set("config", Json.variant(v.config()));
      ArrayNode samples = o.putArray("samples");
      v.samples().forEach(s -> samples.add(RunReport.json(s).get("metrics")));
    }
    ObjectNode ms = root.putObject("metrics");
    Map<String, MetricDescriptor> ds = r.metrics();
    for (String metric : ds.keySet()) {
      ObjectNode mo = ms.putObject(metric);
      mo.put("unit", ds.get(metric).unit());
      mo.put("better", ds.get(metric).better().name().toLowerCase(Locale.ROOT));
      mo.put("description", ds.get(metric).description());
      ArrayNode rows = mo.putArray("rows");
      for (ComparisonResult.Row row : r.rows(metric)) {
        ObjectNode ro = rows.addObject();
        ro.put("variant", row.variant());
        ro.put("samples", row.stats().n());
        Json.putNumber(ro, "mean", row.stats().mean(), false);
        Json.putNumber(ro, "min", row.stats().min(), false);
        Json.putNumber(ro, "max", row.stats().max(), false);
        Json.putNumber(ro, "delta_vs_baseline", row.delta(), false);
        ro.put("verdict", row.verdict());
      }
    }
    return root;
  }
}
