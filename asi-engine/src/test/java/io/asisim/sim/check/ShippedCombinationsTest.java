package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every shipped allocator x mapper x flush x context-switch combination runs a randomized
 * kernel-build workload under --check: zero functional violations required.
 */
class ShippedCombinationsTest {
  private static final Logger LOG = LoggerFactory.getLogger(ShippedCombinationsTest.class);
  static final long OPS = Long.getLong("checker.ops", 600);
  static final long EVERY = Long.getLong("checker.every", 5);

  @Test
  void everyShippedCombinationRunsCleanUnderCheck() {
    PluginRegistry reg = Registries.with();
    Runner runner = new Runner(reg);
    List<String> exposing = new ArrayList<>();
    long checked = 0;
    int seed = 1;
    for (String alloc : List.of("pageblock-migratetype", "unmapped-pool")) {
      for (String mapper : reg.ofKind(PluginKind.MAPPER).keySet()) {
        for (String flush : reg.ofKind(PluginKind.FLUSH).keySet()) {
          for (String cs : reg.ofKind(PluginKind.CONTEXT_SWITCH).keySet()) {
            long t0 = System.nanoTime();
            RunResult r = runner.run(Variants.of("kernel-build").pick(PluginKind.ALLOCATOR, alloc)
                .pick(PluginKind.MAPPER, mapper).pick(PluginKind.FLUSH, flush).pick(PluginKind.CONTEXT_SWITCH, cs)
                .memory(128L << 20).cpus(4).seed(seed++).checkEvery(EVERY)
                .set("workload.kernel-build.ops=" + OPS).set("workload.kernel-build.jobs=6")
                .set("workload.kernel-build.build-memory=48M").set("workload.kernel-build.anon-pages=60")
                .set("workload.kernel-build.files-per-job=8").set("workload.kernel-build.source-files=60")
                .build(reg));
            checked += OPS;
            assertThat(r.get("invariant_violations")).isZero();
            String v = alloc + "/" + mapper + "/" + flush + "/" + cs;
            LOG.info("{} exposures={} cycles={} exits={} {} ms", v, (long) r.get("leak_exposures"),
                (long) r.get("leak_exposure_cycles"), (long) r.get("asi_exits"), (System.nanoTime() - t0) / 1_000_000);
            if (r.get("leak_exposures") > 0) {
              exposing.add(v);
            }
          }
        }
      }
    }
    LOG.info("checked {} ops; exposing: {}", checked, exposing);
  }
}
