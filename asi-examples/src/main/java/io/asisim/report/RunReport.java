package io.asisim.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.run.MetricValue;
import io.asisim.sim.run.RunResult;
import java.io.PrintWriter;
import java.util.Locale;

/** {@code asi-sim run}: the variant and every metric with unit and better-direction. */
public final class RunReport {
  private RunReport() {}

  /** A header naming the variant, then metric / value / unit / better. */
  public static void table(RunResult r, PrintWriter out) {
    StringBuilder sb = new StringBuilder("variant:");
    sb.append(" asi=").append(r.config().machine().asi() ? "on" : "off");
    for (PluginKind k : PluginKind.values()) {
      if (k != PluginKind.TRACE_FORMAT) {
        sb.append(' ').append(k.id()).append('=').append(r.config().selected(k));
      }
    }
    sb.append(" cpus=").append(r.config().machine().cpus());
    sb.append(" memory=").append(io.asisim.api.plugin.ParamSpec.formatSize(r.config().machine().memoryBytes()));
    sb.append(" seed=").append(r.config().seed());
    out.println(sb);
    if (!r.config().siteMappers().isEmpty()) {
      out.println("site mappers: " + r.config().siteMappers() + " (other sites: " + r.config().selected(PluginKind.MAPPER) + ")");
    }
    if (!r.config().settings().flat().isEmpty()) {
      out.println("settings: " + r.config().settings().flat());
    }
    out.println();
    TextTable t = new TextTable("metric", ">value", "unit", "better");
    for (MetricValue m : r.metrics()) {
      MetricDescriptor d = m.descriptor();
      t.row(d.name(), Numbers.format(m.value(), m.integral()), d.unit(), d.better().name().toLowerCase(Locale.ROOT));
    }
    t.printText(out);
  }

  /** The {@code run --format json} document: the version fields ({@link Json#document()}), then {@link #json}. */
  public static ObjectNode document(RunResult r) {
    ObjectNode d = Json.document();
    d.setAll(json(r));
    return d;
  }

  /** {@code {"variant":{...},"metrics":{name:{value,unit,better,description}}}} in name order. */
  public static ObjectNode json(RunResult r) {
    ObjectNode root = Json.object();
    root.set("variant", Json.variant(r.config()));
    root.set("metrics", metrics(r, true));
    return root;
  }

  /**
   * {@code {name:{value,unit,better[,description]}}} in name order; a comparison's samples leave the
   * description out, since the comparison's {@code metrics.<name>} holds it once.
   */
  static ObjectNode metrics(RunResult r, boolean descriptions) {
    ObjectNode ms = Json.object();
    for (MetricValue m : r.metrics()) {
      ObjectNode o = ms.putObject(m.name());
      Json.putValue(o, "value", m);
      o.put("unit", m.descriptor().unit());
      o.put("better", m.descriptor().better().name().toLowerCase(Locale.ROOT));
      if (descriptions) {
        o.put("description", m.descriptor().description());
      }
    }
    return ms;
  }
}
