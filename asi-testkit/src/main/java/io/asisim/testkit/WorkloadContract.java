package io.asisim.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.RunResult;
import org.junit.jupiter.api.Test;

/**
 * The contract of a workload (kind {@code workload}, docs/contracts.md): it declares {@code ops}, runs
 * exactly that many ops with ASI on and off, passes the checker, and the same seed gives the same
 * metrics. {@link #params()} sizes it small (default: {@link Workloads#small}).
 */
public abstract class WorkloadContract extends PluginContract {

  @Override
  protected final PluginKind expectedKind() {
    return PluginKind.WORKLOAD;
  }

  /** The variant; by default 4 CPUs, 512 MiB, the workload sized by {@link Workloads#small} and {@link #params()}. */
  protected VariantConfig variant(boolean asi, long seed, long checkEvery) {
    String n = plugin().name();
    return Workloads.small(TestVariants.builder().cpus(4).memory(512L << 20).asi(asi).seed(seed).checkEvery(checkEvery)
        .select(PluginKind.WORKLOAD, n), n).setAll(PluginKind.WORKLOAD, n, params()).build();
  }

  @Test
  void declaresOps() {
    assertThat(plugin().params()).as("an ops parameter (docs/contracts.md)").anyMatch(p -> p.name().equals("ops"));
  }

  @Test
  void runsItsOpsWithAsiOnAndOffAndPassesTheChecker() {
    for (boolean asi : new boolean[] {true, false}) {
      RunResult r = Runs.run(registry(), variant(asi, 1, 10));
      assertThat(r.get("ops")).as("asi " + asi).isPositive();
      assertThat(r.get("sim_time_ns")).as("asi " + asi + ": time passes").isPositive();
      assertThat(r.get("invariant_violations")).isZero();
      if (!asi) {
        assertThat(r.get("asi_exits")).isZero();
      }
    }
  }

  @Test
  void sameSeedGivesTheSameMetrics() {
    assertThat(Runs.run(registry(), variant(true, 5, 0)).metrics())
        .isEqualTo(Runs.run(registry(), variant(true, 5, 0)).metrics());
  }
}
