package io.asisim.x86.profile;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.CpuTrait;
import java.util.Map;

/** A resolved CPU profile: one value per {@link Cost} key and a set of traits, array-indexed. */
public final class X86CpuProfile implements CpuProfile {
  private final String name;
  private final long[] values = new long[Cost.values().length];
  private final boolean[] traits = new boolean[CpuTrait.values().length];

  /**
   * @param name the profile's plugin name
   * @param costs a value for every {@link Cost} key
   * @param traitValues a value for every {@link CpuTrait}
   */
  public X86CpuProfile(String name, Map<Cost, Long> costs, Map<CpuTrait, Boolean> traitValues) {
    this.name = name;
    for (Cost c : Cost.values()) {
      Long v = costs.get(c);
      if (v == null) {
        throw new IllegalArgumentException("profile " + name + " has no value for " + c.param());
      }
      values[c.ordinal()] = v;
    }
    for (CpuTrait t : CpuTrait.values()) {
      Boolean b = traitValues.get(t);
      if (b == null) {
        throw new IllegalArgumentException("profile " + name + " has no value for trait " + t);
      }
      traits[t.ordinal()] = b;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long get(Cost key) {
    return values[key.ordinal()];
  }

  @Override
  public boolean has(CpuTrait trait) {
    return traits[trait.ordinal()];
  }

  @Override
  public String toString() {
    return "cpu-profile " + name;
  }
}
