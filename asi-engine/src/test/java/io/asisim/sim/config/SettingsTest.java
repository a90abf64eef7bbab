package io.asisim.sim.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.kernel.Workload;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.BadInputException;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  static Plugin<Workload> workload(String name) {
    return new Plugin<>() {
      @Override
      public PluginKind kind() {
        return PluginKind.WORKLOAD;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return "test workload";
      }

      @Override
      public List<ParamSpec> params() {
        return List.of(ParamSpec.integer("ops", 10, 1, 1000, "ops"));
      }

      @Override
      public Workload create(Params params, SimContext ctx) {
        throw new UnsupportedOperationException();
      }
    };
  }

  private final PluginRegistry registry = PluginRegistry.of(List.of(workload("w1"), workload("w2")));

  @Test
  void validAssignmentsAreKeptPerPluginAndTheLastWins() {
    Settings s = Settings.parse(List.of("workload.w1.ops=5", "workload.w2.ops = 7", "workload.w1.ops=6"), registry);
    assertThat(s.forPlugin(PluginKind.WORKLOAD, "w1")).isEqualTo(Map.of("ops", "6"));
    assertThat(s.forPlugin(PluginKind.WORKLOAD, "w2")).isEqualTo(Map.of("ops", "7"));
    assertThat(s.forPlugin(PluginKind.MAPPER, "exit")).isEmpty();
    assertThat(s.flat()).containsExactly(Map.entry("workload.w1.ops", "6"), Map.entry("workload.w2.ops", "7"));
  }

  @Test
  void everyPartOfTheKeyIsChecked() {
    assertThatThrownBy(() -> Settings.parse(List.of("workload.w1=5"), registry))
        .isInstanceOf(BadInputException.class).hasMessageContaining("expected <kind>.<name>.<param>=<value>");
    assertThatThrownBy(() -> Settings.parse(List.of("workload.w3.ops=5"), registry))
        .hasMessage("--set workload.w3.ops: unknown workload 'w3' (valid: w1, w2); did you mean 'w1'?");
    assertThatThrownBy(() -> Settings.parse(List.of("workload.w1.speed=5"), registry))
        .hasMessage("--set: unknown parameter 'workload.w1.speed' (valid: ops)");
    assertThatThrownBy(() -> Settings.parse(List.of("workload.w1.ops=0"), registry))
        .hasMessage("--set: workload.w1.ops: '0' is out of range (valid: 1..1000)");
  }

  @Test
  void registryRejectsDuplicatesAndListsNames() {
    assertThatThrownBy(() -> PluginRegistry.of(List.of(workload("w1"), workload("w1"))))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith("duplicate workload plugin name 'w1': ");
    assertThatThrownBy(() -> registry.get(PluginKind.WORKLOAD, "nope"))
        .hasMessage("unknown workload 'nope' (valid: w1, w2)");
    assertThatThrownBy(() -> registry.get(PluginKind.FLUSH, "nope"))
        .hasMessage("unknown flush 'nope' (valid: none registered)");
  }
}
