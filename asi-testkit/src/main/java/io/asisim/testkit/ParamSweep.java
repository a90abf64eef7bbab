package io.asisim.testkit;

import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.ParamType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every combination of a plugin's discrete parameter values: each {@code BOOLEAN} both ways, each
 * {@code CHOICE} every word, plus caller-named values of other parameters (ranges whose boundaries
 * select different code paths). Parameters not swept keep their defaults.
 */
public final class ParamSweep {
  private ParamSweep() {}

  /** The cross product, as {@code --set} maps of parameter name to value, in declaration order. */
  public static List<Map<String, String>> combinations(List<ParamSpec> params, Map<String, List<String>> extra) {
    List<Map<String, String>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    for (ParamSpec s : params) {
      List<String> values = extra.containsKey(s.name()) ? extra.get(s.name())
          : s.type() == ParamType.BOOLEAN ? List.of("false", "true")
          : s.type() == ParamType.CHOICE ? s.choices() : List.of();
      if (values.isEmpty()) {
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
    return out;
  }
}
