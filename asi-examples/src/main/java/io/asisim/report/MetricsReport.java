package io.asisim.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.sim.api.MetricGlossary;
import java.io.PrintWriter;
import java.util.Locale;

/** {@code asi-sim metrics}: the metric glossary — name, unit, better direction, meaning, who reports it. */
public final class MetricsReport {
  private MetricsReport() {}

  /** One row per metric (families as {@code family.<key>}). */
  public static void table(MetricGlossary g, PrintWriter out) {
    TextTable t = new TextTable("metric", "unit", "better", "meaning");
    for (MetricGlossary.Entry e : g.entries()) {
      MetricDescriptor d = e.descriptor();
      t.row(e.name(), d.unit(), better(d), d.description());
    }
    t.printText(out);
  }

  /** The Markdown table docs/metrics.md embeds. */
  public static void markdown(MetricGlossary g, PrintWriter out) {
    TextTable t = new TextTable("metric", "unit", "better", "meaning", "reported by");
    for (MetricGlossary.Entry e : g.entries()) {
      MetricDescriptor d = e.descriptor();
      t.row("`" + e.name() + "`", d.unit(), better(d), d.description().replace("|", "\\|"),
          String.join(", ", e.reportedBy()));
    }
    t.printMarkdown(out);
  }

  /** {@code {"metrics":[...]}} after the version fields. */
  public static void json(MetricGlossary g, PrintWriter out) {
    ObjectNode root = Json.document();
    root.set("metrics", glossary(g));
    out.print(Json.write(root));
  }

  /** The glossary as a JSON array: {@code {name,unit,better,description,family,reported_by}} per entry. */
  public static ArrayNode glossary(MetricGlossary g) {
    ArrayNode arr = Json.object().arrayNode();
    for (MetricGlossary.Entry e : g.entries()) {
      ObjectNode o = arr.addObject();
      o.put("name", e.name());
      o.put("unit", e.descriptor().unit());
      o.put("better", better(e.descriptor()));
      o.put("description", e.descriptor().description());
      o.put("family", e.family());
      ArrayNode by = o.putArray("reported_by");
      e.reportedBy().forEach(by::add);
    }
    return arr;
  }

  private static String better(MetricDescriptor d) {
    return d.better().name().toLowerCase(Locale.ROOT);
  }
}
