package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * khugepaged under {@code --check} after every op: server-mix with THP {@code always}, two threads
 * per server on two CPUs and random heap pages purged with {@code MADV_DONTNEED} by every request,
 * so the servers' huge heaps keep being split into PTE tables with holes, which khugepaged (woken
 * every millisecond of simulated time instead of every 10 s) collapses again, copying the pages
 * left while the other thread's CPU may cache them; jobs fork the servers (their ranges are then
 * shared, read-only in both, and exec'd away). No invariant violated, nothing exposed.
 */
class KhugepagedCheckTest {
  private static final PluginRegistry REG = Registries.with();

  private static Variants variants(String allocator, boolean asi) {
    return Variants.of("server-mix").pick(PluginKind.ALLOCATOR, allocator).asi(asi)
        .set("workload.server-mix.thp=always").set("workload.server-mix.ops=600")
        .set("workload.server-mix.threads=2").set("workload.server-mix.heap-purge-pages=2")
        .set("workload.server-mix.khugepaged-scan-sleep-ms=1").set("workload.server-mix.khugepaged-pages-to-scan=2048")
        .set("workload.server-mix.server-memory=256M").memory(1L << 30).cpus(2).seed(3).checkEvery(1);
  }

  @Test
  void collapsesKeepEveryInvariant() {
    for (String allocator : List.of("buddy", "pageblock-migratetype")) {
      RunResult r = new Runner(REG).run(variants(allocator, !allocator.equals("buddy")).build(REG));
      assertThat(r.get("invariant_violations")).as(allocator).isZero();
      assertThat(r.get("leak_exposures")).as(allocator).isZero();
      assertThat(r.get("thp_split_pmd")).as(allocator).isPositive();
      assertThat(r.get("thp_collapse_alloc")).as(allocator).isPositive();
      assertThat(r.get("khugepaged_pages_collapsed")).as(allocator).isEqualTo(r.get("thp_collapse_alloc"));
    }
  }
}
