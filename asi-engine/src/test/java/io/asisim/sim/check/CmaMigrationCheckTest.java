package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import org.junit.jupiter.api.Test;

/**
 * Page migration with the rmap walk under {@code --check} after every op: server-mix on a 512 MiB
 * machine whose top 320 MiB are the CMA area (movable allocations take it first; the servers get
 * the whole machine, so no other tenants' hugetlb pages sit in it (HugetlbTest moves those)), THP
 * {@code always}, jobs forked and exec'd (their anonymous pages shared copy-on-write with the
 * server until the exec, program text mapped from the page cache by every process), and a device
 * taking a 64 MiB CMA buffer every 40 requests, so {@code alloc_contig_range()} migrates
 * fork-shared anonymous pages, mapped page-cache pages and THP folios out of the area. For three
 * seeds and both the plain buddy and ASI's pageblock allocator: no invariant violation, no
 * exposure, and the run migrated pages and THP folios.
 */
class CmaMigrationCheckTest {
  private static final PluginRegistry REG = Registries.with();

  private static RunResult run(String allocator, long seed) {
    return new Runner(REG).run(Variants.of("server-mix").pick(PluginKind.ALLOCATOR, allocator)
        .set("allocator." + allocator + ".cma=320M")
        .set("workload.server-mix.thp=always").set("workload.server-mix.ops=400")
        .set("workload.server-mix.job-pages=512").set("workload.server-mix.burst-pages=1024")
        .set("workload.server-mix.cma-every=40").set("workload.server-mix.cma-pages=16384")
        .set("workload.server-mix.server-memory=512M")
        .set("workload.server-mix.job-every=16").memory(512L << 20).cpus(2).seed(seed).checkEvery(1)
        .build(REG));
  }

  @Test
  void migrationKeepsEveryInvariantUnderARandomizedWorkload() {
    for (String allocator : new String[] {"buddy", "pageblock-migratetype"}) {
      for (long seed = 1; seed <= 3; seed++) {
        RunResult r = run(allocator, seed);
        String what = allocator + " seed " + seed;
        assertThat(r.get("invariant_violations")).as(what).isZero();
        assertThat(r.get("leak_exposures")).as(what).isZero();
        assertThat(r.get("cma_alloc_success")).as(what).isPositive();
        assertThat(r.get("pgmigrate_success")).as(what).isPositive();
        assertThat(r.get("thp_migration_success")).as(what + ": THP folios moved whole").isPositive();
      }
    }
  }
}
