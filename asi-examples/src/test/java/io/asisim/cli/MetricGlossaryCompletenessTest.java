package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.api.MetricGlossary;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code compare --metrics} checks names against {@link MetricGlossary} before anything runs, so
 * the catalog must know every metric a shipped plugin reports: every plugin of every kind runs
 * once here and each metric it reports must be accepted.
 */
class MetricGlossaryCompletenessTest {
  private static final String[] MACHINE = {"--cpus", "2", "--memory", "128M", "--samples", "1", "--format", "json"};

  /** Per workload the settings that make it short; a new workload must be added here. */
  private static final Map<String, List<String>> WORKLOADS = Map.of(
      "fio-randread", List.of("workload.fio-randread.ops=200", "workload.fio-randread.file-size=512K"),
      "kernel-build", List.of("workload.kernel-build.ops=600", "workload.kernel-build.jobs=3",
          "workload.kernel-build.build-memory=32M"),
      "alloc-stress", List.of("workload.alloc-stress.ops=2000"),
      "mmap-munmap", List.of("workload.mmap-munmap.ops=200"),
      "threaded-link", List.of("workload.threaded-link.ops=300", "workload.threaded-link.threads=2"),
      "kvm-guests", List.of("workload.kvm-guests.ops=300", "workload.kvm-guests.guest-memory=1M"),
      "server-mix", List.of("workload.server-mix.ops=300", "workload.server-mix.server-memory=64M",
          "workload.server-mix.servers=2", "workload.server-mix.heap-pages=256"),
      "thp-frag", List.of("workload.thp-frag.headroom=32M", "workload.thp-frag.thp-extra=8M"),
      "trace", List.of("workload.trace.file=../" + Showcase.SHARED_TRACE, "workload.trace.ops=3000"));

  private static List<String> reported(String workload, String... axis) throws Exception {
    List<String> args = new ArrayList<>(List.of("compare", "--workload", workload));
    args.addAll(List.of(axis));
    args.addAll(List.of(MACHINE));
    for (String s : WORKLOADS.get(workload)) {
      args.add("--set");
      args.add(s);
    }
    Cli cli = Cli.run(args.toArray(new String[0]));
    assertThat(cli.code).as(String.join(" ", args) + "\n" + cli.err).isZero();
    List<String> names = new ArrayList<>();
    new ObjectMapper().readTree(cli.out).get("comparisons").get(0).get("metrics").fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void everyMetricEveryShippedPluginReportsIsInTheCatalog() throws Exception {
    PluginRegistry registry = PluginRegistry.discover();
    MetricGlossary catalog = MetricGlossary.of(registry);
    assertThat(new TreeSet<>(WORKLOADS.keySet())).isEqualTo(new TreeSet<>(registry.ofKind(PluginKind.WORKLOAD).keySet()));
    TreeSet<String> seen = new TreeSet<>();
    for (PluginKind k : List.of(PluginKind.ALLOCATOR, PluginKind.MAPPER, PluginKind.FLUSH, PluginKind.CONTEXT_SWITCH,
        PluginKind.SENSITIVITY, PluginKind.CPU_PROFILE)) {
      seen.addAll(reported("fio-randread", "--" + k.id(), String.join(",", registry.ofKind(k).keySet())));
    }
    for (String w : WORKLOADS.keySet()) {
      seen.addAll(reported(w, "--allocator", "pageblock-migratetype,unmapped-pool"));
    }
    // the metrics of a guest machine (spinner: IPIs, hence vm_exits.ipi_*)
    seen.addAll(reported("mmap-munmap", "--set", "machine.x86.virt=kvm", "--set", "workload.mmap-munmap.spinner=true"));
    assertThat(seen.stream().filter(m -> !catalog.accepts(m))).as("metrics the catalog does not know").isEmpty();
    assertThat(seen).contains("vmap_purges", "pool_refill_failures", "asi_cma_pageblock_flips", "kernel_build_units",
        "trace_lost_frees", "asi_exits.page_fault", "vm_exits.ipi_send", "vm_exits.tsc_deadline", "nested_walk_cycles",
        "kvm_exits.ept_violation", "kvm_entries", "asi_exit_sites.kvm_run");
  }
}
