package io.asisim.testkit;

import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.ParamType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The discrete parameter values of a plugin to run: each {@code BOOLEAN} both ways, each
 * {@code CHOICE} every word, plus caller-named values of other parameters (ranges whose
 * boundaries select different code paths). The plugin's own parameters are crossed with each
 * other; the ones named {@code alone} (shared by every plugin of the kind, e.g. an allocator's
 * {@code thp} and {@code cma}) take each of their other values once, on the defaults. Parameters
 * not swept keep their defaults.
 */
public final class ParamSweep {
  private ParamSweep() {}

  /** The combinations as {@code --set} maps of parameter name to value (empty map: all defaults). */
  public static List<Map<String, String>> combinations(List<ParamSpec> params, Map<String, List<String>> extra,
      Set<String> alone) {
    List<Map<String, String>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    List<Map<String, String>> singles = new ArrayList<>();
    for (ParamSpec s : params) {
      List<String> values = values(s, extra);
      if (values.isEmpty()) {
        continue;
      }
      if (alone.contains(s.name())) {
        for (String v : values) {
          if (!v.equals(s.defaultValue())) {
            singles.add(new LinkedHashMap<>(Map.of(s.name(), v)));
          }
        }
        continue;
      }
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> m : out) {
        for (String v : values) {
          Map<String, String> c = new LinkedHashMap<>(m);
          c.put(s.name(), v);
          next.add(c);
        }
      }
      out = next;
    }
    out.addAll(singles);
    return out;
  }

  private static List<String> values(ParamSpec s, Map<String, List<String>> extra) {
    if (extra.containsKey(s.name())) {
      return extra.get(s.name());
    }
    if (s.type() == ParamType.BOOLEAN) {
      return List.of("false", "true");
    }
    return s.type() == ParamType.CHOICE ? s.choices() : List.of();
  }
}
