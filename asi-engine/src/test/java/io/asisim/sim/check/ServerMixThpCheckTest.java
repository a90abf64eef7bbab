package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Transparent huge pages under {@code --check} after every op, with every allocator strategy:
 * server-mix with THP {@code always}, bursts of 1 024 pages (two huge pages each, unmapped whole)
 * and jobs of 512 (one huge page in a forked and exec'd child, while the servers' huge heaps are
 * shared write-protected by the fork and reused by their next write). 600 requests: bursts at
 * requests 15, 31, .. 591 (37 x 2 huge pages) and jobs at 63, .. 575 (9): 83 THP faults; no
 * violation, no exposure. With {@code madvise} only the servers' heaps (written before the
 * measured run) may be huge: no THP fault in the run.
 */
class ServerMixThpCheckTest {
  private static final PluginRegistry REG = Registries.with(PathMutants.hugePageSecondNotCleared());

  private static RunResult run(String allocator, String thp) {
    return new Runner(REG).run(variants(allocator, thp).build(REG));
  }

  private static Variants variants(String allocator, String thp) {
    return Variants.of("server-mix").pick(PluginKind.ALLOCATOR, allocator)
        .set("workload.server-mix.thp=" + thp).set("workload.server-mix.ops=600")
        .set("workload.server-mix.job-pages=512").set("workload.server-mix.burst-pages=1024")
        .set("workload.server-mix.server-memory=256M").memory(1L << 30).cpus(2).seed(1).checkEvery(1);
  }

  /**
   * A THP fault whose folio's second page is left uncleared (the faulting first page is cleared) is
   * caught: every page of the folio is checked, not only the one that faulted.
   */
  @Test
  void aHugePageWithAnUnclearedPageIsCaught() {
    new MutantRig(REG).caughtAsViolation(variants("pageblock-migratetype", "always")
        .pick(PluginKind.MACHINE, "mutant-x86-thp-page-not-cleared"), variants("pageblock-migratetype", "always"),
        "user zeroing: do_huge_pmd_anonymous_page() mapped pfn");
  }

  @Test
  void hugePagesKeepEveryInvariantWithEveryAllocator() {
    for (String allocator : List.of("buddy", "pageblock-migratetype", "unmapped-pool")) {
      RunResult r = run(allocator, "always");
      assertThat(r.get("invariant_violations")).as(allocator).isZero();
      assertThat(r.get("leak_exposures")).as(allocator).isZero();
      assertThat(r.get("thp_fault_alloc")).as(allocator).isEqualTo(83);
      assertThat(r.get("thp_fault_fallback")).as(allocator).isZero();
      assertThat(r.get("cow_faults")).as(allocator + ": the heaps' huge pages are reused after each job's exec").isZero();
      RunResult madvise = run(allocator, "madvise");
      assertThat(madvise.get("invariant_violations")).as(allocator).isZero();
      assertThat(madvise.get("thp_fault_alloc")).as(allocator).isZero();
    }
  }
}
