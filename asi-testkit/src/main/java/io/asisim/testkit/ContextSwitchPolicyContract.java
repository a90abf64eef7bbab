package io.asisim.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.RunResult;
import org.junit.jupiter.api.Test;

/**
 * The contract of a context-switch policy (kind {@code context-switch}, docs/contracts.md): a switch
 * that changes the mm must exit ASI (the restricted space belongs to the old mm, and
 * {@code switch_mm} may not run restricted); answers are pure; {@code kernel-build} (fork, exec,
 * kthreads, migration) runs end to end with the checker and deterministically.
 */
public abstract class ContextSwitchPolicyContract extends PluginContract {

  @Override
  protected final PluginKind expectedKind() {
    return PluginKind.CONTEXT_SWITCH;
  }

  private VariantConfig variant(long checkEvery) {
    return Workloads.small(TestVariants.builder().cpus(4).memory(512L << 20).checkEvery(checkEvery)
        .select(PluginKind.CONTEXT_SWITCH, plugin().name())
        .setAll(PluginKind.CONTEXT_SWITCH, plugin().name(), params())
        .select(PluginKind.WORKLOAD, "kernel-build"), "kernel-build").build();
  }

  @Test
  void changingTheMmAlwaysExits() {
    ContextSwitchPolicy p = new VariantObjects(variant(0), registry()).get(ContextSwitchPolicy.class);
    for (long a = 1; a <= 5; a++) {
      for (long b = 1; b <= 5; b++) {
        boolean first = p.mustExit(a, b);
        assertThat(p.mustExit(a, b)).as("pure").isEqualTo(first);
        if (a != b) {
          assertThat(first).as("switch from mm %d to mm %d", a, b).isTrue();
        }
      }
    }
  }

  @Test
  void kernelBuildRunsDeterministicallyWithTheChecker() {
    RunResult r = Runs.run(registry(), variant(100));
    assertThat(r.get("ops")).isEqualTo(2500);
    assertThat(r.get("invariant_violations")).isZero();
    assertThat(r.get("context_switches")).isPositive();
    assertThat(Runs.run(registry(), variant(0)).metrics()).isEqualTo(Runs.run(registry(), variant(0)).metrics());
  }
}
