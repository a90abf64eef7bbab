package io.asisim.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.api.BuildInfo;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.MetricValue;

/**
 * JSON building blocks: insertion-ordered objects, so the same input gives the same bytes. Every
 * output document starts with {@link #document()}'s version fields; docs/schema holds the schema
 * all of them follow (docs/json.md).
 */
public final class Json {
  /**
   * The version of the output format (docs/schema/asi-sim-output.schema.json). Raise it when a
   * field is renamed, removed or changes meaning; adding fields does not change it.
   */
  public static final int SCHEMA_VERSION = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /**
   * A new top-level output object: {@code schema_version}, {@code tool_version} and
   * {@code git_commit} first, so a program can check what it reads before anything else. All
   * three are fixed for a build, so outputs stay byte-identical for the same config and seed.
   */
  public static ObjectNode document() {
    ObjectNode o = object();
    o.put("schema_version", SCHEMA_VERSION);
    BuildInfo b = BuildInfo.current();
    o.put("tool_version", b.toolVersion());
    o.put("git_commit", b.gitCommit());
    return o;
  }

  /** A new empty object. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Pretty-printed text with a trailing newline. */
  public static String write(ObjectNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The variant: machine, selected plugins, settings, seed. */
  public static ObjectNode variant(VariantConfig c) {
    ObjectNode o = object();
    MachineConfig m = c.machine();
    o.put("asi", m.asi() ? "on" : "off");
    for (PluginKind k : PluginKind.values()) {
      o.put(k.id(), c.selected(k));
    }
    o.put("cpus", m.cpus());
    o.put("memory", ParamSpec.formatSize(m.memoryBytes()));
    o.put("seed", c.seed());
    o.put("check_every", c.checkEvery());
    if (c.checkEvery() > 0) {
      o.put("check_full_every", c.checkFullEvery());
    }
    o.put("exposure_every", c.exposureEvery());
    ObjectNode sites = o.putObject("site_mappers"); // the mapper every kernel access site used
    for (io.asisim.sim.kernel.AccessSite site : io.asisim.sim.kernel.AccessSite.values()) {
      sites.put(site.id(), c.mapperFor(site.id()));
    }
    ObjectNode s = o.putObject("settings");
    c.settings().flat().forEach(s::put);
    return o;
  }

  /** A metric value: an integer for counts, a number otherwise. */
  public static void putValue(ObjectNode o, String key, MetricValue v) {
    putNumber(o, key, v.value(), v.integral());
  }

  /** Puts a number, as an integer when integral. */
  public static void putNumber(ObjectNode o, String key, double v, boolean integral) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      o.putNull(key);
    } else if (integral || (v == Math.rint(v) && Math.abs(v) < 1e15)) {
      o.put(key, Math.round(v));
    } else {
      o.put(key, v);
    }
  }
}
