package io.asisim.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The exposure scan that skips settled TLB entries (docs/checker.md, "Settled entries") and the full
 * scan that checks every entry at every scan give the same run, metric for metric: exposures, their
 * cycles and everything else. Randomized kernel-build mixes (fork/exec/exit, copy-on-write, pipes,
 * closes, reclaim, task migration, kthreads) with every shipped flush policy and both alias mappers,
 * scanned after every op, CR3 writes with and without NOFLUSH, and one run under {@code --check}.
 * The leaky {@code local} policy must show exposures, so the comparison is not between two zeros.
 */
class SettledExposureScanTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();

  @Test
  void settledScansAgreeWithFullScansOnEveryMetric() {
    long seed = 11;
    long localExposures = 0;
    int runs = 0;
    for (String mapper : List.of("ephmap", "vmalloc")) {
      for (String flush : REGISTRY.ofKind(PluginKind.FLUSH).keySet()) {
        for (boolean noflush : new boolean[] {true, false}) {
          VariantConfig c = config(mapper, flush, noflush, seed++, 0);
          RunResult settled = new Simulation(Boot.boot(c, REGISTRY)).run(ProgressListener.NONE, null, true);
          RunResult full = new Simulation(Boot.boot(c, REGISTRY)).run(ProgressListener.NONE, null, false);
          assertThat(settled.metrics()).as(mapper + "/" + flush + " noflush=" + noflush).isEqualTo(full.metrics());
          if (flush.equals("local")) {
            localExposures += (long) settled.get("leak_exposures");
          }
          runs++;
        }
      }
    }
    assertThat(runs).isEqualTo(2 * 2 * REGISTRY.ofKind(PluginKind.FLUSH).size());
    assertThat(localExposures).as("the local policy leaks, so exposures were compared").isPositive();
  }

  @Test
  void underCheckTooTheSettledScanAgrees() {
    VariantConfig c = config("vmalloc", "local", true, 5, 2);
    RunResult settled = new Simulation(Boot.boot(c, REGISTRY)).run(ProgressListener.NONE, null, true);
    RunResult full = new Simulation(Boot.boot(c, REGISTRY)).run(ProgressListener.NONE, null, false);
    assertThat(settled.metrics()).isEqualTo(full.metrics());
    assertThat(settled.get("leak_exposures")).isPositive();
  }

  private static VariantConfig config(String mapper, String flush, boolean noflush, long seed, long checkEvery) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "kernel-build");
    sel.put(PluginKind.MAPPER, mapper);
    sel.put(PluginKind.FLUSH, flush);
    List<String> sets = new ArrayList<>(List.of("workload.kernel-build.ops=2500", "workload.kernel-build.jobs=6",
        "workload.kernel-build.build-memory=48M", "workload.kernel-build.anon-pages=60",
        "workload.kernel-build.files-per-job=8", "workload.kernel-build.source-files=60",
        "workload.kernel-build.kthread-every=50", "workload.kernel-build.migrate-one-in=2",
        "machine.x86.cr3-noflush=" + noflush));
    return new VariantConfig(new MachineConfig(128L << 20, 4, true), sel, sel.keySet(),
        Settings.parse(sets, REGISTRY), seed, checkEvery, 1);
  }
}
