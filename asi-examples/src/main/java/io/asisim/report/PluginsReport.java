package io.asisim.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Plugin;
import io.asisim.sim.api.MetricGlossary;
import io.asisim.sim.plugin.PluginRegistry;
import java.io.PrintWriter;

/** {@code asi-sim plugins}: every discovered plugin with its parameters. */
public final class PluginsReport {
  private PluginsReport() {}

  /**
   * One table row per plugin, then its parameters indented below, descriptions wrapped to fit
   * {@code columns} characters (a terminal's width; 0 = no wrapping, for pipes and files).
   */
  public static void table(PluginRegistry registry, PrintWriter out, int columns) {
    TextTable t = new TextTable("kind", "name", "description / parameters");
    for (Plugin<?> p : registry.all()) {
      t.row(p.kind().id(), p.name(), p.description());
      for (ParamSpec s : p.params()) {
        t.row("", "", "  " + s.name() + "=" + s.defaultValue() + "  [" + s.range() + "]  " + s.description());
      }
    }
    t.printText(out, columns);
  }

  /** A Markdown table kind | name | description, as the README embeds it. */
  public static void markdown(PluginRegistry registry, PrintWriter out) {
    TextTable t = new TextTable("kind", "name", "description");
    for (Plugin<?> p : registry.all()) {
      t.row(p.kind().id(), "`" + p.name() + "`", p.description().replace("|", "\\|"));
    }
    t.printMarkdown(out);
  }

  /**
   * {@code {"plugins":[{kind,name,description,class,params:[...]}],"metrics":[glossary]}}, plugins
   * in kind then name order, the metric glossary ({@link MetricsReport#glossary}) in name order.
   */
  public static void json(PluginRegistry registry, PrintWriter out) {
    ObjectNode root = Json.document();
    ArrayNode arr = root.putArray("plugins");
    for (Plugin<?> p : registry.all()) {
      ObjectNode o = arr.addObject();
      o.put("kind", p.kind().id());
      o.put("name", p.name());
      o.put("description", p.description());
      o.put("class", p.getClass().getName());
      ArrayNode params = o.putArray("params");
      for (ParamSpec s : p.params()) {
        ObjectNode po = params.addObject();
        po.put("name", s.name());
        po.put("type", s.type().name().toLowerCase(java.util.Locale.ROOT));
        po.put("default", s.defaultValue());
        po.put("valid", s.range());
        po.put("description", s.description());
      }
    }
    root.set("metrics", MetricsReport.glossary(MetricGlossary.of(registry)));
    out.print(Json.write(root));
  }
}
