package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.ParamType;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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

  /**
   * Issue 18: every discrete value of every shipped allocator parameter (booleans both ways,
   * every choice, and the values of ranges that pick another path: the pool's shrinker returning
   * sub-pageblock, 2 MiB or only 4 MiB blocks, a CMA area, and a ZONE_MOVABLE) runs the kernel-build mix and
   * {@code alloc-stress} with blocking-only and atomic-heavy request mixes under the checker. A
   * plugin's own parameters are crossed (both pooled classes x both shrink mapping changes x
   * direct-map removal); {@code thp}, {@code cma} and {@code movablecore}, shared by every allocator, take their other
   * value once. alloc-stress runs at 256 MiB, where DMA32 is large enough for a HIGHATOMIC
   * reserve, and runs out of memory so that refills of every order and shrinks happen.
   */
  @Test
  void everyDiscreteAllocatorParameterValueRunsCleanUnderCheck() {
    PluginRegistry reg = Registries.with(TestWorkloads.accessChurn());
    Runner runner = new Runner(reg);
    long seed = FIRST_SEED;
    int runs = 0;
    for (var e : reg.ofKind(PluginKind.ALLOCATOR).entrySet()) {
      String alloc = e.getKey();
      for (Map<String, String> combo : discreteCombinations(e.getValue().params())) {
        Map<String, Variants> workloads = new LinkedHashMap<>();
        workloads.put("kernel-build", kernelBuild().memory(128L << 20));
        for (String atomic : List.of("0", "0.25")) {
          workloads.put("alloc-stress atomic-fraction " + atomic, Variants.of("alloc-stress").memory(256L << 20)
              .set("workload.alloc-stress.ops=" + 12 * OPS).set("workload.alloc-stress.atomic-fraction=" + atomic));
        }
        for (var wl : workloads.entrySet()) {
          Variants w = wl.getValue();
          combo.forEach((k, v) -> w.set("allocator." + alloc + "." + k + "=" + v));
          String what = alloc + " " + combo + " " + wl.getKey() + " seed " + seed;
          RunResult r;
          try {
            r = runner.run(w.pick(PluginKind.ALLOCATOR, alloc).asi(!alloc.equals("buddy")).cpus(4)
                .seed(seed++).checkEvery(Math.max(EVERY, 50)).build(reg));
          } catch (RuntimeException ex) {
            throw new AssertionError(what + ": " + ex.getMessage(), ex);
          }
          assertThat(r.get("invariant_violations")).as(what).isZero();
          runs++;
        }
      }
    }
    // buddy, pageblock-migratetype: defaults, compaction=false, thp=false, cma=8M, movablecore=32M
    // (a ZONE_MOVABLE); unmapped-pool: pooled x unmap-direct-map x shrink-min-order x compaction
    // (2 x 2 x 3 x 2) and the same three
    assertThat(runs).isEqualTo(3 * (5 + 5 + 24 + 3));
    LOG.info("{} allocator parameter combinations checked", runs / 3);
  }

  /**
   * Every discrete value of machine {@code x86}'s parameters runs the kernel-build mix under the
   * checker, and mmap-munmap with a spinning thread (a shootdown per op), with the ephmap and
   * {@code mm-global}: the guest's three
   * choices crossed ({@code ept-leaf} x {@code apic} x {@code pv-send-ipi}), and
   * {@code cr3-noflush=true} on bare metal and in a guest. A guest run must show nested walks and
   * the exits of exactly one single-target IPI per shootdown (docs/profiles.md "Running as a guest").
   */
  @Test
  void everyDiscreteMachineParameterValueRunsCleanUnderCheck() {
    PluginRegistry reg = Registries.with(TestWorkloads.accessChurn());
    Runner runner = new Runner(reg);
    List<Map<String, String>> combos = new ArrayList<>();
    for (String leaf : List.of("4k", "2m", "1g")) {
      for (String apic : List.of("emulated", "virtualized")) {
        for (String pv : List.of("false", "true")) {
          combos.add(Map.of("virt", "kvm", "ept-leaf", leaf, "apic", apic, "pv-send-ipi", pv));
        }
      }
    }
    // an overcommitted host with 5 us slices, so that short runs meet preempted targets often
    for (String pv : List.of("false", "true")) {
      combos.add(Map.of("virt", "kvm", "vcpu-preempt-percent", "30", "host-slice-us", "5", "pv-tlb-flush", pv));
    }
    combos.add(Map.of("virt", "none", "cr3-noflush", "true"));
    combos.add(Map.of("virt", "none", "mirror-physmap", "true")); // with module loads: PhysmapMirrorCheckTest
    combos.add(Map.of("virt", "kvm", "cr3-noflush", "true"));
    long seed = FIRST_SEED;
    for (Map<String, String> combo : combos) {
      // kernel-build for the mix on 4 CPUs; mmap-munmap with a spinning thread on 2, single-target shootdowns
      for (boolean munmap : new boolean[] {false, true}) {
        Variants w = munmap ? Variants.of("mmap-munmap").cpus(2).set("workload.mmap-munmap.ops=" + OPS)
            .set("workload.mmap-munmap.spinner=true") : kernelBuild().cpus(4);
        combo.forEach((k, v) -> w.set("machine.x86." + k + "=" + v));
        RunResult r = runner.run(w.pick(PluginKind.MAPPER, "ephmap").pick(PluginKind.FLUSH, "mm-global")
            .memory(128L << 20).seed(seed++).checkEvery(Math.max(EVERY, 50)).build(reg));
        String what = combo + " " + r.config().selected(PluginKind.WORKLOAD);
        assertThat(r.get("invariant_violations")).as(what).isZero();
        assertThat(r.get("leak_exposures")).as(what).isZero();
        boolean kvm = combo.get("virt").equals("kvm");
        assertThat(r.valueOrZero("nested_walk_cycles") > 0).as(what).isEqualTo(kvm);
        assertThat(r.find("vm_exits").isPresent()).as(what).isEqualTo(kvm);
        if (kvm && munmap) {
          // one target per shootdown: an ICR write, which exits unless the APIC is virtualized
          boolean virtualized = combo.getOrDefault("apic", "emulated").equals("virtualized");
          double ipis = r.get("tlb_shootdown_ipis");
          // a preempted target's flush deferred by PV TLB flush takes no IPI
          assertThat(ipis + r.get("tlb_flushes_deferred")).as(what).isGreaterThanOrEqualTo(OPS);
          boolean preempted = combo.containsKey("vcpu-preempt-percent");
          boolean pvFlush = combo.getOrDefault("pv-tlb-flush", "true").equals("true");
          assertThat(r.get("tlb_flushes_deferred") > 0).as(what).isEqualTo(preempted && pvFlush);
          assertThat(r.get("preempted_ipi_waits") > 0).as(what).isEqualTo(preempted && !pvFlush);
          assertThat(r.get("vm_exits.ipi_send")).as(what).isEqualTo(virtualized ? 0 : ipis);
          assertThat(r.get("vm_exits.ipi_deliver")).as(what).isEqualTo(virtualized ? 0 : ipis);
        }
      }
    }
    // every discrete parameter of the machine is covered
    List<String> discrete = new ArrayList<>();
    reg.get(PluginKind.MACHINE, "x86").params().stream()
        .filter(p -> p.type() == ParamType.BOOLEAN || p.type() == ParamType.CHOICE).forEach(p -> discrete.add(p.name()));
    assertThat(discrete).containsExactlyInAnyOrder("cr3-noflush", "virt", "ept-leaf", "apic", "pv-send-ipi",
        "pv-tlb-flush", "mirror-physmap");
  }

  /** Paths the boolean and choice values do not name: a CMA area, and the pool's shrink orders. */
  private static final Map<String, List<String>> PATH_VALUES =
      Map.of("cma", List.of("0", "8M"), "movablecore", List.of("0", "32M"), "shrink-min-order", List.of("0", "9", "10"));

  /** The allocator parameters every allocator declares: each other value runs once, on the defaults. */
  private static final Set<String> COMMON = Set.of("thp", "cma", "movablecore");

  /** The plugin's own discrete values crossed, then each other value of a {@link #COMMON} one alone. */
  private static List<Map<String, String>> discreteCombinations(List<ParamSpec> specs) {
    List<Map<String, String>> out = List.of(new TreeMap<>());
    List<Map<String, String>> singles = new ArrayList<>();
    for (ParamSpec s : specs) {
      List<String> values = PATH_VALUES.containsKey(s.name()) ? PATH_VALUES.get(s.name())
          : s.type() == ParamType.BOOLEAN ? List.of("false", "true")
          : s.type() == ParamType.CHOICE ? s.choices() : List.of();
      if (values.isEmpty()) {
        continue;
      }
      if (COMMON.contains(s.name())) {
        values.stream().filter(v -> !v.equals(s.defaultValue())).forEach(v -> singles.add(new TreeMap<>(Map.of(s.name(), v))));
        continue;
      }
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> m : out) {
        for (String v : values) {
          Map<String, String> c = new TreeMap<>(m);
          c.put(s.name(), v);
          next.add(c);
        }
      }
      out = next;
    }
    List<Map<String, String>> all = new ArrayList<>(out);
    all.addAll(singles);
    return all;
  }

  private static Variants kernelBuild() {
    return Variants.of("kernel-build").set("workload.kernel-build.ops=" + OPS).set("workload.kernel-build.jobs=6")
        .set("workload.kernel-build.build-memory=48M").set("workload.kernel-build.anon-pages=60")
        .set("workload.kernel-build.files-per-job=8").set("workload.kernel-build.source-files=60")
        .set("workload.kernel-build.kthread-every=50").set("workload.kernel-build.migrate-one-in=2");
  }
}
