package io.asisim.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code khugepaged-*} parameters of server-mix and thp-frag reach the kernel: on the 256 MiB
 * test machine, whose page cache fills memory, server-mix's servers purge heap pages (splitting
 * their huge heaps) and khugepaged, woken every jiffy (its 1 ms sleep rounds up to 4 ms), collapses
 * them again; with {@code khugepaged-defrag=1} its allocations reclaim and compact directly, with
 * 0 they take only a free block.
 */
class KhugepagedParamsTest {
  private static final PluginRegistry REG = PluginRegistry.discover();

  private static VariantConfig config(String workload, String... more) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, workload);
    sel.put(PluginKind.ALLOCATOR, "pageblock-migratetype");
    List<String> set = new ArrayList<>();
    if (workload.equals("server-mix")) {
      set.addAll(List.of("workload.server-mix.ops=6000", "workload.server-mix.servers=2",
          "workload.server-mix.heap-pages=2048", "workload.server-mix.read-pages=32", "workload.server-mix.thp=always",
          "workload.server-mix.heap-purge-pages=2", "workload.server-mix.khugepaged-scan-sleep-ms=1"));
    }
    set.addAll(List.of(more));
    return new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, sel.keySet(), Settings.parse(set, REG), 7, 0);
  }

  @Test
  void defragDecidesWhetherTheCollapseReclaims() {
    RunResult light = new Runner(REG).run(config("server-mix", "workload.server-mix.khugepaged-defrag=0"));
    RunResult full = new Runner(REG).run(config("server-mix", "workload.server-mix.khugepaged-defrag=1"));
    for (RunResult r : List.of(light, full)) {
      assertThat(r.get("thp_split_pmd")).isPositive();
      assertThat(r.get("thp_collapse_alloc")).isPositive();
      assertThat(r.get("khugepaged_pages_collapsed")).isEqualTo(r.get("thp_collapse_alloc"));
    }
    // GFP_TRANSHUGE_LIGHT: the first collapse that finds no free block fails, and the 60 s
    // alloc_sleep_millisecs outlasts the run
    assertThat(light.get("thp_collapse_alloc_failed")).isEqualTo(1);
    assertThat(light.get("allocstall_movable")).isZero();
    // GFP_TRANSHUGE: collapses reclaim and compact directly, and khugepaged gets further
    assertThat(full.get("allocstall_movable")).isPositive();
    assertThat(full.get("compact_stall")).isPositive();
    assertThat(full.get("thp_collapse_alloc")).isGreaterThan(light.get("thp_collapse_alloc"));
  }

  @Test
  void valuesOutsideTheSysfsRangesAreOneLineErrors() {
    assertThatThrownBy(() -> new Runner(REG).run(config("server-mix", "workload.server-mix.khugepaged-max-ptes-none=512")))
        .hasMessageContaining("khugepaged-max-ptes-none").hasMessageContaining("512");
    assertThatThrownBy(() -> new Runner(REG).run(config("thp-frag", "workload.thp-frag.khugepaged-pages-to-scan=0")))
        .hasMessageContaining("khugepaged-pages-to-scan").hasMessageContaining("0");
    assertThatThrownBy(() -> new Runner(REG).run(config("server-mix", "workload.server-mix.khugepaged-defrag=2")))
        .hasMessageContaining("khugepaged-defrag");
  }

  @Test
  void everyWorkloadThatEnablesThpTakesTheTunables() {
    for (String w : List.of("server-mix", "thp-frag")) {
      List<String> names = REG.get(PluginKind.WORKLOAD, w).params().stream().map(p -> p.name()).toList();
      assertThat(names).as(w).contains("khugepaged-defrag", "khugepaged-pages-to-scan", "khugepaged-scan-sleep-ms",
          "khugepaged-alloc-sleep-ms", "khugepaged-max-ptes-none", "khugepaged-max-ptes-swap", "khugepaged-max-ptes-shared",
          "thp-shrink-underused");
    }
  }
}
