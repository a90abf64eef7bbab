package io.asisim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asisim.report.RunSpecs;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * A result store's {@code sweep.json} (docs/sweeps.md): what the comparison was — its sections
 * (title, reading guide, samples, waterfall steps, every variant's full spec) and the
 * {@code --metrics} and {@code --reference} it printed with — so that {@code --from-results}
 * rebuilds the same report from the store alone, and a resumed sweep proves it is the same one.
 *
 * @param sections the comparison's sections
 * @param metrics the {@code --metrics} list as given, or null
 * @param reference the {@code --reference} label as given, or null
 */
record SweepManifest(List<Showcase.Section> sections, String metrics, String reference) {
  ObjectNode toJson() {
    ObjectNode o = ResultStore.newManifest();
    ArrayNode ss = o.putArray("sections");
    for (Showcase.Section s : sections) {
      ObjectNode so = ss.addObject();
      so.put("title", s.title());
      so.put("guide", s.guide());
      so.put("samples", s.samples());
      ArrayNode steps = so.putArray("steps");
      s.steps().forEach(steps::add);
      ArrayNode vs = so.putArray("variants");
      s.variants().forEach(v -> vs.add(RunSpecs.toJson(v)));
    }
    o.put("metrics", metrics);
    o.put("reference", reference);
    return o;
  }

  static SweepManifest fromJson(JsonNode o, PluginRegistry registry) {
    List<Showcase.Section> sections = new ArrayList<>();
    for (JsonNode so : o.get("sections")) {
      List<String> steps = new ArrayList<>();
      so.get("steps").forEach(st -> steps.add(st.asText()));
      List<VariantConfig> variants = new ArrayList<>();
      so.get("variants").forEach(v -> variants.add(RunSpecs.fromJson(v, registry)));
      sections.add(new Showcase.Section(so.get("title").asText(), so.get("guide").asText(), variants,
          so.get("samples").asInt(), steps));
    }
    return new SweepManifest(sections, text(o.get("metrics")), text(o.get("reference")));
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }
}
