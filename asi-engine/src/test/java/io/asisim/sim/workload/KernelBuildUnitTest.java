package io.asisim.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.kernel.SimKernel;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One kernel-build unit, counted between two cc1 exits of a single slot: the faults, copies and
 * spawns of the measured process tree ({@link KernelBuildRecipe}), by hand.
 */
class KernelBuildUnitTest {
  @Test
  void oneUnitTakesTheRecipesFaultsCopiesAndSpawns() {
    VariantConfig c = new VariantConfig(new MachineConfig(512L << 20, 2, true), Map.of(), Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    Counter units = m.counter(KernelBuildPlugin.UNITS);
    // 1 job, cc1 with 200 anonymous pages and no headers, 4 pages copied by each forked child
    KernelBuildParams p = new KernelBuildParams(0, 1, 50, 2, 0, 200, 4, 4, 8, 128L << 20, 0, 100, 1 << 30,
        1_000_000, 1);
    KernelBuildWorkload w = new KernelBuildWorkload(p, new SplittableRandom(3), units);
    w.setUp(k);
    long i = 0;
    while (units.get() < 1) {
      w.step(k, i++);
    }
    long anon = m.get("anon_faults");
    long cow = m.get("cow_faults");
    long file = m.get("file_faults");
    long forks = m.get("forks");
    while (units.get() < 2) {
      w.step(k, i++);
    }
    // anonymous: sh 8 x 17, gcc 36, cc1 200, as 190, objtool 2255, fixdep, check-local-export and
    // awk 17 each, nm 190, rm 2 x 16, mkdir 16, and one I/O-buffer page per exec (19)
    assertThat(m.get("anon_faults") - anon).isEqualTo(8 * 17 + 36 + 200 + 190 + 2255 + 3 * 17 + 190 + 3 * 16 + 19);
    // copies: 3 forked children x 4 pages, and 6 data pages of each of the 19 programs (do_cow_fault)
    assertThat(m.get("cow_faults") - cow).isEqualTo(3 * 4 + 19 * 6);
    // read faults: the programs' file faults less their 6 data pages, and 2 ld.so.cache pages each
    int fileFaults = 8 * 47 + 63 + 305 + 187 + 55 + 3 * 47 + 187 + 3 * 55;
    assertThat(m.get("file_faults") - file).isEqualTo(fileFaults - 19 * 6 + 19 * 2);
    assertThat(m.get("forks") - forks).isEqualTo(20);
    assertThat(KernelBuildRecipe.processes()).isEqualTo(20);
    w.tearDown(k);
  }
}
