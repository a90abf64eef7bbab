package io.asisim.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.MetricValue;
import io.asisim.sim.run.RunResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One run's full spec as JSON (every field of a {@link VariantConfig}, seed included, in a fixed
 * order), and its key: the SHA-256 of that text. The result store names a finished run by its key
 * (docs/sweeps.md), so the same run of two sweeps, or of two machines' stores, is one record.
 */
public final class RunSpecs {
  /** The mapper of run specs and records (compact, insertion-ordered). */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private RunSpecs() {}

  /** The spec of {@code v}. */
  public static ObjectNode toJson(VariantConfig v) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("memory", v.machine().memoryBytes());
    o.put("cpus", v.machine().cpus());
    o.put("asi", v.machine().asi());
    ObjectNode sel = o.putObject("selection");
    v.selection().forEach((k, name) -> sel.put(k.id(), name));
    ArrayNode explicit = o.putArray("explicit");
    for (PluginKind k : PluginKind.values()) {
      if (v.explicit().contains(k)) {
        explicit.add(k.id());
      }
    }
    ObjectNode settings = o.putObject("settings");
    new TreeMap<>(v.settings().flat()).forEach(settings::put);
    ObjectNode sites = o.putObject("sites");
    v.siteMappers().forEach(sites::put);
    o.put("seed", v.seed());
    o.put("check_every", v.checkEvery());
    o.put("check_full_every", v.checkFullEvery());
    o.put("exposure_every", v.exposureEvery());
    return o;
  }

  /** The spec {@link #toJson} wrote; settings are validated against {@code registry} again. */
  public static VariantConfig fromJson(JsonNode o, PluginRegistry registry) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    for (Iterator<Map.Entry<String, JsonNode>> it = o.get("selection").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      sel.put(PluginKind.fromId(e.getKey()), e.getValue().asText());
    }
    Set<PluginKind> explicit = EnumSet.noneOf(PluginKind.class);
    o.get("explicit").forEach(k -> explicit.add(PluginKind.fromId(k.asText())));
    List<String> sets = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.get("settings").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      sets.add(e.getKey() + "=" + e.getValue().asText());
    }
    Map<String, String> sites = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.get("sites").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      sites.put(e.getKey(), e.getValue().asText());
    }
    return new VariantConfig(new MachineConfig(o.get("memory").asLong(), o.get("cpus").asInt(), o.get("asi").asBoolean()),
        sel, explicit, Settings.parse(sets, registry), o.get("seed").asLong(), o.get("check_every").asLong(),
        o.get("exposure_every").asLong()).withSiteMappers(sites).withCheckFullEvery(o.get("check_full_every").asLong());
  }

  /** The run's key: SHA-256 of its spec's compact JSON, in hex. */
  public static String key(VariantConfig v) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(toJson(v).toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /**
   * One finished run as a record: the build that ran it ({@code tool_version}, {@code git_commit}),
   * its spec and its metrics (name, unit, direction, description, value, whether a count). A result
   * store keeps these; a cluster engine sends them back from its executors.
   */
  public static ObjectNode record(RunResult result, io.asisim.sim.api.BuildInfo build) {
    ObjectNode r = MAPPER.createObjectNode();
    r.put("tool_version", build.toolVersion());
    r.put("git_commit", build.gitCommit());
    r.set("spec", toJson(result.config()));
    ArrayNode ms = r.putArray("metrics");
    for (MetricValue m : result.metrics()) {
      ObjectNode o = ms.addObject();
      o.put("name", m.name());
      o.put("unit", m.descriptor().unit());
      o.put("better", m.descriptor().better().name());
      o.put("description", m.descriptor().description());
      o.put("value", m.value());
      o.put("integral", m.integral());
    }
    return r;
  }

  /** The metrics of {@code record}, as the result of {@code run} (whose spec the caller checked). */
  public static RunResult result(JsonNode record, VariantConfig run) {
    List<MetricValue> metrics = new ArrayList<>();
    for (JsonNode m : record.get("metrics")) {
      metrics.add(new MetricValue(new MetricDescriptor(m.get("name").asText(), m.get("unit").asText(),
          Better.valueOf(m.get("better").asText()), m.get("description").asText()), m.get("value").asDouble(),
          m.get("integral").asBoolean()));
    }
    return new RunResult(run, metrics, 0);
  }

  /** Whether {@code record} holds the spec of {@code run}, text for text. */
  public static boolean holds(JsonNode record, VariantConfig run) {
    return toJson(run).toString().equals(String.valueOf(record.get("spec")));
  }
}
