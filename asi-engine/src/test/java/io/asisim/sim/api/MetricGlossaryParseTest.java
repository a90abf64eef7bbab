package io.asisim.sim.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.sim.BadInputException;
import io.asisim.sim.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;

/** What {@code --metrics} accepts before anything runs. */
class MetricGlossaryParseTest {
  private final MetricGlossary catalog = MetricGlossary.of(PluginRegistry.discover());

  @Test
  void standardKernelAndPluginMetricsAndFamilyChildren() {
    assertThat(catalog.accepts("cycles_per_op")).isTrue();
    assertThat(catalog.accepts("context_switches")).isTrue(); // the simulated kernel's
    assertThat(catalog.accepts("vmap_purges")).isTrue(); // declared by the vmalloc mapper plugin
    assertThat(catalog.accepts("asi_exits.page_fault")).isTrue();
    assertThat(catalog.accepts("asi_exit_sites.pagecache_read")).isTrue();
    assertThat(catalog.accepts("cycles_per_opp")).isFalse();
    assertThat(catalog.accepts("nope.page_fault")).isFalse();
    assertThat(catalog.accepts("asi_exits.")).isFalse();
  }

  @Test
  void parseKeepsTheOrderGivenWithoutDuplicates() {
    assertThat(catalog.parse("--metrics", "asi_exits, cycles_per_op,asi_exits")).containsExactly("asi_exits", "cycles_per_op");
  }

  @Test
  void anUnknownOrEmptyNameIsOneLineListingTheValidOnes() {
    assertThatThrownBy(() -> catalog.parse("--metrics", "cycles_per_op,bogus"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("--metrics cycles_per_op,bogus: unknown metric 'bogus'; valid: access_losses, ")
        .hasMessageContaining(" cycles_per_op, ")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> catalog.parse("--metrics", "cycles_per_op,")).hasMessageContaining("unknown metric ''");
    assertThatThrownBy(() -> catalog.parse("--metrics", "cycles_per_opp"))
        .hasMessageContaining("unknown metric 'cycles_per_opp'; did you mean 'cycles_per_op'?; valid: ");
    assertThat(catalog.accepts("trace_lost_frees")).as("trace replay's metrics too").isTrue();
  }
}
