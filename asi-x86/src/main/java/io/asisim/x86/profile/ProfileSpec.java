package io.asisim.x86.profile;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuTrait;
import io.asisim.api.plugin.ParamSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The defaults of one CPU profile with the source of each value; turns them into declared
 * parameters ({@link Cost#param()} for costs, the trait name in kebab case for traits).
 */
final class ProfileSpec {
  private final Map<Cost, Long> costs = new EnumMap<>(Cost.class);
  private final Map<Cost, String> costSources = new EnumMap<>(Cost.class);
  private final Map<CpuTrait, Boolean> traits = new EnumMap<>(CpuTrait.class);
  private final Map<CpuTrait, String> traitSources = new EnumMap<>(CpuTrait.class);
  private String description = "";

  ProfileSpec description(String d) {
    if (d != null) {
      description = d;
    }
    return this;
  }

  String description() {
    return description;
  }

  ProfileSpec cost(Cost c, long value, String source) {
    costs.put(c, value);
    costSources.put(c, source);
    return this;
  }

  ProfileSpec trait(CpuTrait t, boolean value, String source) {
    traits.put(t, value);
    traitSources.put(t, source);
    return this;
  }

  /** A copy with some values replaced (for a variant of the same CPU). */
  ProfileSpec copy() {
    ProfileSpec s = new ProfileSpec();
    s.costs.putAll(costs);
    s.costSources.putAll(costSources);
    s.traits.putAll(traits);
    s.traitSources.putAll(traitSources);
    s.description = description;
    return s;
  }

  static String traitParam(CpuTrait t) {
    return t.param();
  }

  /** One parameter per cost key, then one per trait; fails if any is missing. */
  List<ParamSpec> params() {
    List<ParamSpec> out = new ArrayList<>();
    for (Cost c : Cost.values()) {
      Long v = costs.get(c);
      if (v == null) {
        throw new IllegalStateException("no default for " + c.param());
      }
      long min = c.param().endsWith("-entries") || c.param().endsWith("-ways") || c == Cost.CLOCK_MHZ
          || c == Cost.LLC_KIB || c == Cost.L2_KIB ? 1 : 0;
      out.add(ParamSpec.integer(c.param(), v, min, 1_000_000_000L, costSources.get(c)));
    }
    for (CpuTrait t : CpuTrait.values()) {
      Boolean b = traits.get(t);
      if (b == null) {
        throw new IllegalStateException("no default for trait " + t);
      }
      out.add(ParamSpec.bool(traitParam(t), b, traitSources.get(t)));
    }
    return List.copyOf(out);
  }
}
