package io.asisim.sim.config;

import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import io.asisim.sim.Suggestions;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parameter overrides from {@code --set <kind>.<name>.<param>=<value>}, validated on construction
 * against the plugin's declared parameters: an unknown kind, plugin or parameter, or a value of the
 * wrong type or out of range, is a {@link BadInputException}.
 */
public final class Settings {
  /** "kind.name" to (param to text), in key order for stable output. */
  private final Map<String, Map<String, String>> byPlugin;

  private Settings(Map<String, Map<String, String>> byPlugin) {
    this.byPlugin = byPlugin;
  }

  /** No overrides. */
  public static Settings none() {
    return new Settings(new TreeMap<>());
  }

  /** Parses and validates {@code key=value} assignments. A later assignment of a key wins. */
  public static Settings parse(List<String> assignments, PluginRegistry registry) {
    Map<String, Map<String, String>> m = new TreeMap<>();
    for (String a : assignments) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new BadInputException("--set '" + a + "': expected <kind>.<name>.<param>=<value>");
      }
      String key = a.substring(0, eq).trim();
      String value = a.substring(eq + 1).trim();
      String[] parts = key.split("\\.", -1);
      if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
        throw new BadInputException("--set '" + a + "': expected <kind>.<name>.<param>=<value>, e.g. workload.fio-randread.ops=20000");
      }
      PluginKind kind;
      try {
        kind = PluginKind.fromId(parts[0]);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--set " + key + ": " + e.getMessage()
            + Suggestions.didYouMean(parts[0], kindIds()));
      }
      Plugin<?> plugin;
      try {
        plugin = registry.get(kind, parts[1]);
      } catch (BadInputException e) {
        throw new BadInputException("--set " + key + ": " + e.getMessage());
      }
      Map<String, String> params = m.computeIfAbsent(kind.id() + "." + plugin.name(), k -> new TreeMap<>());
      params.put(parts[2], value);
      try {
        Params.resolve(plugin, params); // validates the name and value now, not mid-run
      } catch (IllegalArgumentException e) {
        List<String> declared = paramNames(plugin);
        throw new BadInputException("--set: " + e.getMessage()
            + (declared.contains(parts[2]) ? "" : Suggestions.didYouMean(parts[2], declared)));
      }
    }
    return new Settings(m);
  }

  private static List<String> kindIds() {
    List<String> ids = new ArrayList<>();
    for (PluginKind k : PluginKind.values()) {
      ids.add(k.id());
    }
    return ids;
  }

  /** The declared parameter names, for a suggestion when an assignment names an undeclared one. */
  private static List<String> paramNames(Plugin<?> plugin) {
    List<String> names = new ArrayList<>();
    for (ParamSpec p : plugin.params()) {
      names.add(p.name());
    }
    return names;
  }

  /** The overrides for one plugin (parameter name to text); empty when none. */
  public Map<String, String> forPlugin(PluginKind kind, String name) {
    Map<String, String> p = byPlugin.get(kind.id() + "." + name);
    return p == null ? Map.of() : Collections.unmodifiableMap(p);
  }

  /** A copy with {@code kind.name.param=value} added (already validated by the caller's registry). */
  public Settings with(PluginKind kind, String name, String param, String value) {
    Map<String, Map<String, String>> m = new TreeMap<>();
    byPlugin.forEach((k, v) -> m.put(k, new TreeMap<>(v)));
    m.computeIfAbsent(kind.id() + "." + name, k -> new TreeMap<>()).put(param, value);
    return new Settings(m);
  }

  /** All overrides as flat {@code kind.name.param} keys, in key order. */
  public Map<String, String> flat() {
    Map<String, String> out = new LinkedHashMap<>();
    byPlugin.forEach((plugin, params) -> params.forEach((p, v) -> out.put(plugin + "." + p, v)));
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Settings && ((Settings) o).byPlugin.equals(byPlugin);
  }

  @Override
  public int hashCode() {
    return byPlugin.hashCode();
  }

  @Override
  public String toString() {
    return flat().toString();
  }
}
