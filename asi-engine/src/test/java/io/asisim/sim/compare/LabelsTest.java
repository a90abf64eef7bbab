package io.asisim.sim.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.wiring.Seeds;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelsTest {
  private static VariantConfig v(String allocator, int cpus) {
    return new VariantConfig(new MachineConfig(1L << 30, cpus, true), Map.of(PluginKind.ALLOCATOR, allocator),
        Set.of(PluginKind.ALLOCATOR), Settings.none(), 1, 0);
  }

  @Test
  void labelsNameOnlyWhatDiffers() {
    assertThat(Comparison.labels(List.of(v("a", 8), v("b", 8))))
        .containsExactly("allocator=a", "allocator=b");
    assertThat(Comparison.labels(List.of(v("a", 4), v("a", 8), v("b", 4))))
        .containsExactly("allocator=a cpus=4", "allocator=a cpus=8", "allocator=b cpus=4");
    assertThat(Comparison.labels(List.of(v("a", 8)))).containsExactly("alloc-stress");
  }

  @Test
  void asiOffUsesThePlainBuddy() {
    assertThat(v("unmapped-pool", 8).withAsi(false).selected(PluginKind.ALLOCATOR)).isEqualTo("buddy");
    assertThat(v("unmapped-pool", 8).selected(PluginKind.ALLOCATOR)).isEqualTo("unmapped-pool");
  }

  @Test
  void seedStreamsAreReproducibleAndIndependent() {
    long a1 = Seeds.stream(7, "workload").nextLong();
    long a2 = Seeds.stream(7, "workload").nextLong();
    long b = Seeds.stream(7, "scheduler").nextLong();
    long c = Seeds.stream(8, "workload").nextLong();
    assertThat(a1).isEqualTo(a2).isNotEqualTo(b).isNotEqualTo(c);
  }
}
