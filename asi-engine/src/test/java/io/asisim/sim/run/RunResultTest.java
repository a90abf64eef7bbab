package io.asisim.sim.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A misspelled metric name is an error listing the valid names, never a silent 0. */
class RunResultTest {
  private static final RunResult RESULT = new RunResult(
      new VariantConfig(new MachineConfig(64L << 20, 1, true), Map.of(), Set.of(), Settings.none(), 1, 0),
      List.of(new MetricValue(StandardMetrics.OPS, 10, true), new MetricValue(StandardMetrics.TLB_MISSES, 0, true)),
      0);

  @Test
  void aKnownMetricHasItsValueAndDescriptorEvenWhenZero() {
    assertThat(RESULT.get("ops")).isEqualTo(10);
    assertThat(RESULT.get("tlb_misses")).isZero();
    assertThat(RESULT.metric("tlb_misses").descriptor()).isEqualTo(StandardMetrics.TLB_MISSES);
  }

  @Test
  void aMisspelledMetricThrowsAndListsTheValidNames() {
    assertThatThrownBy(() -> RESULT.get("tlb_mises"))
        .isInstanceOf(UnknownMetricException.class)
        .isInstanceOf(BadInputException.class)
        .hasMessage("unknown metric 'tlb_mises' (valid: ops, tlb_misses)");
    assertThatThrownBy(() -> RESULT.metric("opps"))
        .isInstanceOfSatisfying(UnknownMetricException.class, e -> {
          assertThat(e.name()).isEqualTo("opps");
          assertThat(e.validNames()).containsExactly("ops", "tlb_misses");
        });
  }

  @Test
  void aggregationTreatsAMetricAnotherVariantRegisteredAsZero() {
    assertThat(RESULT.valueOrZero("vmap_purges")).isZero();
    assertThat(RESULT.find("vmap_purges")).isEmpty();
  }
}
