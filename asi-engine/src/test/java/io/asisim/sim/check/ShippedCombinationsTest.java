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
 * Every shipped allocator x mapper x flush x context-switch combination runs randomized workloads
 * under --check: a kernel-build mix (fork/exec/exit, CoW, reads, writes, reclaim, migration,
 * kthreads) and the access-churn mix (open/read/close/migrate), each with its own seed. Zero
 * functional violations are required, and every flush policy but {@code local} (which never
 * reaches other CPUs, by design) shows zero leak exposures. Sizes come from environment variables
 * so that the soak command in docs/checker.md can run the same test longer:
 * {@code CHECKER_OPS}, {@code CHECKER_EVERY}, {@code CHECKER_SEEDS}, {@code CHECKER_SEED}.
 */
class ShippedCombinationsTest {
  private static final Logger LOG = LoggerFactory.getLogger(ShippedCombinationsTest.class);
  private static final long OPS = size("CHECKER_OPS", 1000);
  private static final long EVERY = size("CHECKER_EVERY", 3);
  private static final int SEEDS = (int) size("CHECKER_SEEDS", 1);
  private static final long FIRST_SEED = size("CHECKER_SEED", 1);

  /** A size from the environment (the surefire JVM inherits it; the pom fixes its argLine). */
  private static long size(String env, long dflt) {
    String v = System.getenv(env);
    return v == null || v.isBlank() ? dflt : Long.parseLong(v.trim());
  }

  @Test
  void everyShippedCombinationRunsCleanUnderCheck() {
    PluginRegistry reg = Registries.with(TestWorkloads.accessChurn());
    Runner runner = new Runner(reg);
    List<String> combos = new ArrayList<>();
    long checkedOps = 0;
    long seed = FIRST_SEED;
    for (int s = 0; s < SEEDS; s++) {
      for (String alloc : List.of("pageblock-migratetype", "unmapped-pool")) {
        for (String mapper : reg.ofKind(PluginKind.MAPPER).keySet()) {
          for (String flush : reg.ofKind(PluginKind.FLUSH).keySet()) {
            for (String cs : reg.ofKind(PluginKind.CONTEXT_SWITCH).keySet()) {
              String v = alloc + "/" + mapper + "/" + flush + "/" + cs;
              for (Variants w : List.of(kernelBuild(), Variants.of("access-churn").set("workload.access-churn.ops=" + OPS))) {
                RunResult r = runner.run(w.pick(PluginKind.ALLOCATOR, alloc).pick(PluginKind.MAPPER, mapper)
                    .pick(PluginKind.FLUSH, flush).pick(PluginKind.CONTEXT_SWITCH, cs).memory(128L << 20).cpus(4)
                    .seed(seed++).checkEvery(EVERY).build(reg));
                checkedOps += OPS;
                assertThat(r.get("invariant_violations")).as(v).isZero();
                if (!flush.equals("local")) {
                  assertThat(r.get("leak_exposures")).as(v + " seed " + (seed - 1)).isZero();
                }
              }
              combos.add(v);
            }
          }
        }
      }
    }
    assertThat(combos).hasSize(SEEDS * 2 * reg.ofKind(PluginKind.MAPPER).size() * reg.ofKind(PluginKind.FLUSH).size()
        * reg.ofKind(PluginKind.CONTEXT_SWITCH).size());
    LOG.info("{} combinations, {} workload ops checked every {} ops", combos.size(), checkedOps, EVERY);
  }

  private static Variants kernelBuild() {
    return Variants.of("kernel-build").set("workload.kernel-build.ops=" + OPS).set("workload.kernel-build.jobs=6")
        .set("workload.kernel-build.build-memory=48M").set("workload.kernel-build.anon-pages=60")
        .set("workload.kernel-build.files-per-job=8").set("workload.kernel-build.source-files=60")
        .set("workload.kernel-build.kthread-every=50").set("workload.kernel-build.migrate-one-in=2");
  }
}
