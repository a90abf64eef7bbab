package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import org.junit.jupiter.api.Test;

/**
 * Direct compaction under {@code --check}: thp-frag on a 1 GiB machine (128 MiB of headroom, half of
 * the rest returned page by page, then a THP region 64 MiB larger than the free 2 MiB blocks), so
 * the region's last huge-page faults compact. With the plain buddy and the pageblock strategy
 * compaction moves pages and every fault gets its folio, without a violation or an exposure; the
 * {@code __GFP_UNMAPPED} pool holds the heap and its freed pages outside the zones, so nothing is
 * compacted and most of the region falls back to 4 KiB pages. A machine whose migration flush is
 * lost is caught.
 */
class ThpFragCheckTest {
  private static final PluginRegistry REG = Registries.with(PathMutants.migrationFlushSkipped(),
      TestWorkloads.compactChurn());

  private static Variants variants(String allocator) {
    return Variants.of("thp-frag").pick(PluginKind.ALLOCATOR, allocator).asi(!allocator.equals("buddy"))
        .set("workload.thp-frag.headroom=128M").set("workload.thp-frag.thp-extra=64M")
        .memory(1L << 30).cpus(2).seed(1).checkEvery(64);
  }

  private static RunResult run(Variants v) {
    return new Runner(REG).run(v.build(REG));
  }

  @Test
  void compactionKeepsEveryInvariantAndTheStrategiesDiffer() {
    for (String allocator : new String[] {"buddy", "pageblock-migratetype"}) {
      RunResult r = run(variants(allocator));
      assertThat(r.get("invariant_violations")).as(allocator).isZero();
      assertThat(r.get("leak_exposures")).as(allocator).isZero();
      assertThat(r.get("compact_stall")).as(allocator).isPositive();
      assertThat(r.get("compact_success")).as(allocator).isEqualTo(r.get("compact_stall"));
      assertThat(r.get("pgmigrate_success")).as(allocator).isGreaterThan(1000);
      assertThat(r.get("thp_fault_fallback")).as(allocator).isZero();
      // 128 MiB headroom + 64 MiB: 94 huge pages, 32 of them past the free blocks
      assertThat(r.get("thp_fault_alloc")).as(allocator).isEqualTo(94);
    }
    RunResult pool = run(variants("unmapped-pool"));
    assertThat(pool.get("invariant_violations")).isZero();
    assertThat(pool.get("compact_stall")).isZero();
    assertThat(pool.get("pgmigrate_success")).isZero();
    assertThat(pool.get("thp_fault_fallback")).isGreaterThan(pool.get("thp_fault_alloc"));
  }

  /**
   * {@code defrag=defer}: the madvised faults do not compact directly but wake kswapd at order 9,
   * which finds nothing to reclaim (no page cache) and gives up after {@code MAX_RECLAIM_RETRIES}
   * runs; from then on each fault that finds no block wakes kcompactd, which compacts in the
   * background, so the later faults get huge pages: no stall, kcompactd's counters instead, checked.
   */
  @Test
  void deferLeavesCompactionToKcompactd() {
    for (String allocator : new String[] {"buddy", "pageblock-migratetype"}) {
      RunResult r = run(variants(allocator).set("workload.thp-frag.thp-defrag=defer"));
      assertThat(r.get("invariant_violations")).as(allocator).isZero();
      assertThat(r.get("leak_exposures")).as(allocator).isZero();
      assertThat(r.get("compact_stall")).as(allocator).isZero();
      assertThat(r.get("kswapd_wakeups")).as(allocator).isEqualTo(16);
      assertThat(r.get("compact_daemon_wake")).as(allocator).isPositive();
      assertThat(r.get("compact_daemon_migrate_scanned")).as(allocator).isPositive()
          .isLessThanOrEqualTo(r.get("compact_migrate_scanned"));
      assertThat(r.get("pgmigrate_success")).as(allocator).isGreaterThan(1000);
      assertThat(r.get("thp_fault_alloc") + r.get("thp_fault_fallback")).as(allocator).isEqualTo(94);
      assertThat(r.get("thp_fault_alloc")).as(allocator).isGreaterThan(r.get("thp_fault_fallback"));
    }
  }

  /**
   * A migration whose batch flush is lost leaves the reader thread's CPU translating the heap's
   * moved pages to their old frames, which compaction freed: caught. The same run with the shipped
   * machine flushes them (one shootdown per batch) and is clean.
   */
  @Test
  void aMigrationWhoseFlushIsLostIsCaught() {
    RunResult ok = run(churn());
    assertThat(ok.get("compact_stall")).isEqualTo(1);
    assertThat(ok.get("pgmigrate_success")).isPositive();
    assertThat(ok.get("leak_exposures")).isZero();
    new MutantRig(REG).caughtAsViolation(churn().pick(PluginKind.MACHINE, "mutant-x86-migrate-no-flush"), churn(), "TLB coherence: cpu 1 caches va");
  }

  private static Variants churn() {
    return Variants.of("compact-churn").pick(PluginKind.ALLOCATOR, "pageblock-migratetype")
        .memory(256L << 20).cpus(2).seed(1).checkEvery(1);
  }
}
