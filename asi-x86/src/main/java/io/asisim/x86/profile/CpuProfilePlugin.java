package io.asisim.x86.profile;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.CpuTrait;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Base of the {@code cpu-profile} plugins: parameters from a {@link ProfileSpec}. */
public abstract class CpuProfilePlugin implements Plugin<CpuProfile> {
  private final List<ParamSpec> params;
  private final String description;

  CpuProfilePlugin(ProfileSpec spec) {
    this.params = spec.params();
    this.description = spec.description();
  }

  /** The {@code description} line of the profile's resource. */
  @Override
  public String description() {
    return description;
  }

  @Override
  public final PluginKind kind() {
    return PluginKind.CPU_PROFILE;
  }

  @Override
  public final List<ParamSpec> params() {
    return params;
  }

  @Override
  public final CpuProfile create(Params p, SimContext ctx) {
    return build(p);
  }

  /** Builds the profile from resolved parameters (no context needed). */
  public final X86CpuProfile build(Params p) {
    Map<Cost, Long> costs = new EnumMap<>(Cost.class);
    for (Cost c : Cost.values()) {
      costs.put(c, p.getLong(c.param()));
    }
    Map<CpuTrait, Boolean> traits = new EnumMap<>(CpuTrait.class);
    for (CpuTrait t : CpuTrait.values()) {
      traits.put(t, p.getBoolean(ProfileSpec.traitParam(t)));
    }
    return new X86CpuProfile(name(), costs, traits);
  }

  /** The profile with its default values. */
  public final X86CpuProfile defaults() {
    return build(Params.of(this));
  }
}
