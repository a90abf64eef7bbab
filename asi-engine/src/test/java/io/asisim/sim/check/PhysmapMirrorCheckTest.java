package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.CheckViolationException;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import org.junit.jupiter.api.Test;

/**
 * Permission changes of the direct map under {@code --check}: server-mix loads a module every 25
 * requests (set_memory_ro() of its pages' direct-map aliases). Its pages are nonsensitive
 * ({@code GFP_KERNEL}), so the restricted direct map maps them; without mirroring (the posted
 * series) it keeps them writable and the checker reports the first module load; mirrored, no
 * violation, and the read-only pages split the restricted map's 2 MiB leaves.
 */
class PhysmapMirrorCheckTest {
  private static final PluginRegistry REG = Registries.with();

  private static Variants serverMix(boolean mirror) {
    return Variants.of("server-mix").pick(PluginKind.ALLOCATOR, "pageblock-migratetype")
        .set("workload.server-mix.ops=300").set("workload.server-mix.module-every=25")
        .set("workload.server-mix.server-memory=128M").set("workload.server-mix.heap-pages=1024")
        .set("machine.x86.mirror-physmap=" + mirror).memory(512L << 20).cpus(2).seed(3).checkEvery(1);
  }

  @Test
  void anUnmirroredSetMemoryRoIsReportedAMirroredOneIsNot() {
    Runner runner = new Runner(REG);
    RunResult mirrored = runner.run(serverMix(true).build(REG));
    assertThat(mirrored.get("invariant_violations")).isZero();
    assertThat(mirrored.get("restricted_map_splits")).isPositive();
    assertThat(mirrored.get("direct_map_splits")).isPositive();
    assertThatThrownBy(() -> runner.run(serverMix(false).build(REG))).isInstanceOf(CheckViolationException.class)
        .hasMessageStartingWith("invariant violated: restricted map").hasMessageContaining("set_memory_ro() not mirrored");
  }
}
