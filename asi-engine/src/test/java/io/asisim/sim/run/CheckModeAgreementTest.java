package io.asisim.sim.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * The incremental checks against the full ones on randomized runs of the shipped plugins
 * (docs/checker.md, "Incremental checking"): in {@link Simulation.CheckMode#BOTH} every check after
 * every op runs incrementally and then in full, and a violation only the full check finds ends the
 * run as {@code checker disagreement}; none may. The runs cover every allocator strategy (and the
 * pool of either class, with and without unmapping the direct map), every mapper and every flush
 * policy, on kernel-build (fork/exec/exit, copy-on-write, pipes, reclaim, kthreads, migration),
 * alloc-stress (large orders, flips) and fio-randread (page cache), CR3 writes with and without
 * NOFLUSH; and each run's metrics equal those of the same run checked incrementally only (the
 * checker reads and charges nothing). Mutants caught either way are in
 * {@code io.asisim.sim.check.IncrementalCheckAgreementTest}.
 */
class CheckModeAgreementTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();

  private static RunResult run(VariantConfig c, Simulation.CheckMode mode) {
    return new Simulation(Boot.boot(c, REGISTRY)).run(ProgressListener.NONE, null, true, mode);
  }

  private static void agree(VariantConfig c, String what) {
    RunResult both = run(c, Simulation.CheckMode.BOTH);
    RunResult incremental = run(c, Simulation.CheckMode.INCREMENTAL);
    assertThat(incremental.metrics()).as(what).isEqualTo(both.metrics());
    assertThat(both.get("invariant_violations")).as(what).isZero();
  }

  @Test
  void everyAllocatorStrategyAgrees() {
    long seed = 21;
    List<List<String>> allocators = List.of(List.of("pageblock-migratetype"), List.of("unmapped-pool"),
        List.of("unmapped-pool", "allocator.unmapped-pool.pooled=nonsensitive"),
        List.of("unmapped-pool", "allocator.unmapped-pool.unmap-direct-map=true"),
        List.of("unmapped-pool", "allocator.unmapped-pool.shrink-min-order=0"));
    for (List<String> a : allocators) {
      for (String workload : List.of("kernel-build", "alloc-stress")) {
        List<String> sets = new ArrayList<>(small(workload));
        sets.addAll(a.subList(1, a.size()));
        agree(config(workload, a.get(0), "ephmap", "mm-global", sets, seed++), a + " " + workload);
      }
    }
  }

  @Test
  void everyMapperAndFlushPolicyAgrees() {
    long seed = 51;
    for (String mapper : REGISTRY.ofKind(PluginKind.MAPPER).keySet()) {
      for (String flush : REGISTRY.ofKind(PluginKind.FLUSH).keySet()) {
        for (boolean noflush : new boolean[] {true, false}) {
          List<String> sets = new ArrayList<>(small("kernel-build"));
          sets.add("machine.x86.cr3-noflush=" + noflush);
          agree(config("kernel-build", "pageblock-migratetype", mapper, flush, sets, seed++),
              mapper + "/" + flush + " noflush=" + noflush);
        }
      }
      agree(config("fio-randread", "pageblock-migratetype", mapper, "precise", small("fio-randread"), seed++),
          mapper + " fio");
    }
  }

  /**
   * The negative control: a machine that claims to log its changes and hides them, with a
   * copy-on-write that shares, leaves the violation to the full check — and the comparison says so.
   */
  @Test
  void aViolationOnlyTheFullCheckSeesIsADisagreement() {
    PluginRegistry reg = PluginRegistry.of(concat(REGISTRY.all(),
        io.asisim.sim.check.PathMutants.cowSharesUnlogged()));
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "kernel-build");
    sel.put(PluginKind.MACHINE, "mutant-x86-cow-shares-unlogged");
    VariantConfig c = new VariantConfig(new MachineConfig(128L << 20, 4, true), sel, sel.keySet(),
        Settings.parse(small("kernel-build"), reg), 3, 1, 1);
    assertThat(new Simulation(Boot.boot(c, reg)).run(ProgressListener.NONE, null, true, Simulation.CheckMode.INCREMENTAL)
        .get("invariant_violations")).as("the incremental check alone is blind here").isZero();
    assertThatThrownBy(() -> new Simulation(Boot.boot(c, reg)).run(ProgressListener.NONE, null, true,
        Simulation.CheckMode.BOTH)).isInstanceOf(io.asisim.sim.CheckViolationException.class)
        .hasMessageStartingWith("invariant violated: checker disagreement: the full check found what the incremental "
            + "one did not: user PTE: va 0x");
  }

  private static List<io.asisim.api.plugin.Plugin<?>> concat(List<io.asisim.api.plugin.Plugin<?>> a,
      io.asisim.api.plugin.Plugin<?> b) {
    List<io.asisim.api.plugin.Plugin<?>> out = new ArrayList<>(a);
    out.add(b);
    return out;
  }

  private static List<String> small(String workload) {
    switch (workload) {
      case "kernel-build":
        return List.of("workload.kernel-build.ops=800", "workload.kernel-build.jobs=6",
            "workload.kernel-build.build-memory=48M", "workload.kernel-build.anon-pages=60",
            "workload.kernel-build.files-per-job=8", "workload.kernel-build.source-files=60",
            "workload.kernel-build.kthread-every=50", "workload.kernel-build.migrate-one-in=2");
      case "alloc-stress":
        return List.of("workload.alloc-stress.ops=1000");
      case "fio-randread":
        return List.of("workload.fio-randread.ops=1500", "workload.fio-randread.file-size=16M");
      default:
        throw new IllegalArgumentException(workload);
    }
  }

  private static VariantConfig config(String workload, String allocator, String mapper, String flush, List<String> sets,
      long seed) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, workload);
    sel.put(PluginKind.ALLOCATOR, allocator);
    sel.put(PluginKind.MAPPER, mapper);
    sel.put(PluginKind.FLUSH, flush);
    return new VariantConfig(new MachineConfig(128L << 20, 4, true), sel, sel.keySet(),
        Settings.parse(sets, REGISTRY), seed, 1, 1);
  }
}
