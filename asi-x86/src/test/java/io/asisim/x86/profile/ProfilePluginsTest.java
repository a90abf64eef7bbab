package io.asisim.x86.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.CpuTrait;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The four cpu-profile plugins: discovery, parameters, sources, overrides. */
class ProfilePluginsTest {
  private static List<CpuProfilePlugin> profiles() {
    List<CpuProfilePlugin> out = new ArrayList<>();
    for (Plugin<?> p : ServiceLoader.load(Plugin.class)) {
      if (p.kind() == PluginKind.CPU_PROFILE) {
        out.add((CpuProfilePlugin) p);
      }
    }
    return out;
  }

  @Test
  void serviceLoaderFindsTheFourProfiles() {
    TreeMap<String, CpuProfilePlugin> byName = new TreeMap<>();
    profiles().forEach(p -> byName.put(p.name(), p));
    assertThat(byName.keySet()).containsExactly("sapphire-rapids", "sapphire-rapids-ibpb", "skylake-l1tf", "zen4");
  }

  @Test
  void everyCostAndTraitIsADeclaredParameterWithASource() {
    for (CpuProfilePlugin p : profiles()) {
      List<String> names = p.params().stream().map(ParamSpec::name).toList();
      for (Cost c : Cost.values()) {
        assertThat(names).as(p.name()).contains(c.param());
      }
      assertThat(names).contains("needs-ibpb", "needs-rsb-fill", "l1tf", "ibpb-on-every-exit", "pcid", "invpcid");
      assertThat(names).hasSize(Cost.values().length + CpuTrait.values().length);
      for (ParamSpec s : p.params()) {
        assertThat(s.description()).as(p.name() + "." + s.name()).isNotBlank().hasSizeGreaterThan(10);
      }
      CpuProfile d = p.defaults();
      assertThat(d.name()).isEqualTo(p.name());
      assertThat(d.get(Cost.STLB_ENTRIES) % d.get(Cost.STLB_WAYS)).isZero();
      assertThat(d.get(Cost.L1_DTLB_ENTRIES) % d.get(Cost.L1_DTLB_WAYS)).isZero();
    }
  }

  @Test
  void traitsPerProfile() {
    CpuProfile spr = new SapphireRapidsProfile().defaults();
    CpuProfile sprIbpb = new SapphireRapidsIbpbProfile().defaults();
    CpuProfile zen4 = new Zen4Profile().defaults();
    CpuProfile skl = new SkylakeL1tfProfile().defaults();
    assertThat(spr.has(CpuTrait.NEEDS_IBPB)).isFalse();
    assertThat(spr.has(CpuTrait.IBPB_ON_EVERY_EXIT)).isFalse();
    assertThat(sprIbpb.has(CpuTrait.IBPB_ON_EVERY_EXIT)).isTrue();
    assertThat(sprIbpb.has(CpuTrait.NEEDS_IBPB)).isTrue();
    for (Cost c : Cost.values()) {
      assertThat(sprIbpb.get(c)).as(c.param()).isEqualTo(spr.get(c)); // same CPU
    }
    assertThat(zen4.has(CpuTrait.L1TF)).isFalse();
    assertThat(skl.has(CpuTrait.L1TF)).isTrue();
    assertThat(skl.get(Cost.TLB_1G_ENTRIES)).isEqualTo(16);
  }

  @Test
  void parametersOverrideDefaults() {
    Zen4Profile plugin = new Zen4Profile();
    CpuProfile p = plugin.build(Params.of(plugin, "ibpb", "1234", "l1tf", "true"));
    assertThat(p.get(Cost.IBPB)).isEqualTo(1234);
    assertThat(p.has(CpuTrait.L1TF)).isTrue();
    assertThat(p.cyclesToNs(2400)).isEqualTo(1000.0);
    assertThatThrownBy(() -> Params.of(plugin, "clock-mhz", "0")).isInstanceOf(IllegalArgumentException.class);
  }
}
