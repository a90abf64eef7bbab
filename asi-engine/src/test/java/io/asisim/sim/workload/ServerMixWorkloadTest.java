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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * server-mix: reclaim, slab and job churn under each allocator strategy, checked, with the events
 * that make the strategies differ; the same seed gives the same result.
 */
class ServerMixWorkloadTest {
  private static final PluginRegistry REG = PluginRegistry.discover();

  /** A 256 MiB, 2-CPU machine: two servers with 8 MiB heaps, files of 150 % of memory. */
  private static VariantConfig config(String allocator, long checkEvery, String... more) {
    return config(Map.of(PluginKind.ALLOCATOR, allocator), checkEvery, more);
  }

  private static VariantConfig config(Map<PluginKind, String> plugins, long checkEvery, String... more) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "server-mix");
    sel.putAll(plugins);
    List<String> set = new ArrayList<>(List.of("workload.server-mix.ops=6000", "workload.server-mix.servers=2",
        "workload.server-mix.heap-pages=2048", "workload.server-mix.read-pages=32"));
    set.addAll(List.of(more));
    return new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, sel.keySet(), Settings.parse(set, REG), 7,
        checkEvery);
  }

  @ParameterizedTest
  @ValueSource(strings = {"buddy", "pageblock-migratetype", "unmapped-pool"})
  void everyStrategyRunsTheMixCleanUnderCheck(String allocator) {
    RunResult r = new Runner(REG).run(config(allocator, 250));
    assertThat(r.get("invariant_violations")).isZero();
    assertThat(r.get("pagecache_evictions")).as("files larger than memory: reclaim runs").isPositive();
    assertThat(r.get("pgscan_kswapd")).isGreaterThanOrEqualTo(r.get("pgsteal_kswapd"));
    assertThat(r.get("forks")).as("one job per 64 requests").isEqualTo(6000 / 64);
    assertThat(r.get("slab_pages")).isPositive();
    assertThat(r.get("oom_events")).isZero();
  }

  /** What differs between the strategies, and why: the event counts behind the headline metrics. */
  @Test
  void theStrategiesDifferWhereTheirMechanismsDo() {
    Runner runner = new Runner(REG);
    RunResult pageblock = runner.run(config("pageblock-migratetype", 0));
    RunResult pool = runner.run(config("unmapped-pool", 0));
    // unmovable nonsensitive allocations (task_struct, page tables) take sensitive free pageblocks,
    // each zeroed whole before it is mapped restricted
    assertThat(pageblock.get("pageblock_flips_to_nonsensitive")).isPositive();
    assertThat(pageblock.get("tlb_shootdowns")).as("no flip to sensitive, so nothing to shoot down").isZero();
    // the pool refills by 2 MiB blocks, each unmapped from the restricted direct map with a shootdown
    assertThat(pool.get("pool_refills")).isPositive();
    assertThat(pool.get("tlb_shootdowns")).isEqualTo(pool.get("pool_refills"));
    assertThat(pool.get("pageblock_flips_to_nonsensitive")).isZero();
    // the page cache reclaim frees returns to the pool, in fragments below the shrinker's order 9
    // (stranded); kswapd balances the zones, which the pool is not part of, so it evicts more, and
    // more reads miss
    assertThat(pool.get("pool_stranded_pages")).isPositive();
    assertThat(pool.get("pgsteal_kswapd")).isGreaterThan(pageblock.get("pgsteal_kswapd") * 1.2);
    assertThat(pool.get("pagecache_misses")).isGreaterThan(pageblock.get("pagecache_misses"));
  }

  /**
   * A server of two threads: they share its mm on both CPUs, so unmapping a request buffer shoots
   * the other CPU down, and the ephmap's aliases of that mm are flushed there too; checked.
   */
  @Test
  void threadsOfAServerShareItsMmAcrossCpusAndTheirUnmapsShootTheOtherDown() {
    Map<PluginKind, String> plugins = Map.of(PluginKind.ALLOCATOR, "pageblock-migratetype", PluginKind.MAPPER, "ephmap",
        PluginKind.FLUSH, "mm-global");
    Runner runner = new Runner(REG);
    RunResult one = runner.run(config(plugins, 250));
    RunResult two = runner.run(config(plugins, 250, "workload.server-mix.threads=2"));
    assertThat(one.get("tlb_shootdown_ipis")).as("one thread per process: no other CPU runs its mm").isZero();
    assertThat(two.get("tlb_shootdown_ipis")).isPositive();
    assertThat(two.get("invariant_violations")).isZero();
    assertThat(two.get("forks")).as("the threads fork the same jobs").isEqualTo(one.get("forks"));
  }

  @Test
  void theSameSeedGivesTheSameResult() {
    Runner runner = new Runner(REG);
    assertThat(runner.run(config("pageblock-migratetype", 0)).metrics())
        .isEqualTo(runner.run(config("pageblock-migratetype", 0)).metrics());
  }

  /** fio's zipf:0.8 over the same files: a hot set stays cached, so fewer reads miss, and reclaim still runs. */
  @Test
  void aZipfReadSkewKeepsAHotSetCached() {
    Runner runner = new Runner(REG);
    RunResult uniform = runner.run(config("pageblock-migratetype", 250));
    RunResult zipf = runner.run(config("pageblock-migratetype", 250, "workload.server-mix.read-distribution=zipf",
        "workload.server-mix.zipf-theta=0.8"));
    assertThat(zipf.get("invariant_violations")).isZero();
    assertThat(zipf.get("pagecache_evictions")).isPositive();
    assertThat(zipf.get("pagecache_misses")).isLessThan(uniform.get("pagecache_misses") * 0.8);
    assertThat(zipf.get("syscalls")).as("the same requests, only other offsets").isEqualTo(uniform.get("syscalls"));
  }

  /**
   * thp=madvise with a heap rebuilt every 1 001 requests: drops at requests 1 000, 2 001, 3 002,
   * 4 003 and 5 004, each rebuilt at its server's first turn 500 requests later, so 5 heaps of 2 048
   * pages fault 4 huge pages each during the run (the first heaps fault before it); a THP fault
   * that fails falls back and is no OOM event.
   */
  @ParameterizedTest
  @ValueSource(strings = {"buddy", "pageblock-migratetype", "unmapped-pool"})
  void aRebuiltHeapFaultsItsHugePagesDuringTheRun(String allocator) {
    RunResult r = new Runner(REG).run(config(allocator, 250, "workload.server-mix.thp=madvise",
        "workload.server-mix.heap-rebuild-every=1001"));
    assertThat(r.get("invariant_violations")).isZero();
    assertThat(r.get("thp_fault_alloc") + r.get("thp_fault_fallback")).isEqualTo(5 * 4);
    assertThat(r.get("oom_events")).isZero();
    // a THP fault that stalls in direct reclaim reclaims past its first 4 * SWAP_CLUSTER_MAX, in
    // reclaim/compaction mode, until a block is free or compaction could go ahead
    double stalls = r.get("allocstall_movable");
    if (!allocator.equals("unmapped-pool")) {
      assertThat(stalls).as("the page cache fills the dropped heap's memory: the rebuild reclaims").isPositive();
      // pageblock-migratetype: the page cache's requests that find no page of their sensitivity
      // stall in direct reclaim rather than wake kswapd on a balanced node (VmStatTest), so a
      // rebuild can find its last block taken: 1 of the 20 faults falls back
      assertThat(r.get("thp_fault_fallback")).isEqualTo(allocator.equals("buddy") ? 0 : 1);
    }
    if (stalls > 0) {
      assertThat(r.get("pgsteal_direct")).isGreaterThan(stalls * 4 * 32);
    }
  }

  /**
   * With {@code vm.min_free_kbytes} at the 2 048 KiB the kernel computes for 256 MiB
   * ({@code calculate_min_free_kbytes()}) instead of THP's recommendation (11 056 KiB here:
   * {@code set_recommended_min_free_kbytes()} keeps free pageblocks for huge pages, capped at 5 % of
   * memory), the page cache takes the dropped heaps' pageblocks and what reclaim frees is
   * scattered, so the rebuilt heaps' huge-page faults compact directly: stalls, some successes,
   * pages migrated. With the recommendation the free pageblocks it keeps serve every fault of the
 * plain buddy, and all but a few of pageblock-migratetype's.
   */
  @ParameterizedTest
  @ValueSource(strings = {"buddy", "pageblock-migratetype"})
  void belowThpsRecommendedFreeMemoryTheRebuiltHeapsCompact(String allocator) {
    String[] thp = {"workload.server-mix.thp=madvise", "workload.server-mix.heap-rebuild-every=1001"};
    RunResult low = new Runner(REG).run(config(allocator, 250, thp[0], thp[1],
        "allocator." + allocator + ".min-free-kbytes=2048"));
    assertThat(low.get("invariant_violations")).isZero();
    assertThat(low.get("compact_stall")).isPositive();
    assertThat(low.get("compact_success")).isPositive();
    assertThat(low.get("pgmigrate_success")).isPositive();
    assertThat(low.get("thp_fault_alloc")).isPositive();
    RunResult recommended = new Runner(REG).run(config(allocator, 0, thp));
    if (allocator.equals("buddy")) {
      assertThat(recommended.get("compact_stall")).isZero();
      assertThat(recommended.get("thp_fault_fallback")).isZero();
    } else {
      // the page cache's direct reclaim under pageblock-migratetype (see above) leaves fewer free
      // blocks at a rebuild: a few faults compact, a third as many as below the recommendation
      assertThat(recommended.get("compact_stall")).isPositive().isLessThan(low.get("compact_stall") / 2);
      assertThat(recommended.get("thp_fault_fallback")).isLessThan(low.get("thp_fault_fallback"));
    }
  }

  /**
   * A device takes a 4 MiB CMA buffer every 500 requests and frees it 250 later (a 32 MiB CMA area
   * on the 256 MiB machine): 12 cma_alloc() calls, all satisfied. With buddy and pageblock-migratetype
   * the page cache grows into the area while the buffer is free, none of it mapped, so each
   * allocation drops it ({@code reclaim_clean_pages_from_list()}: more {@code pagecache_evictions}
   * than the same run without the device, nothing migrated; until 2026-12-07 it was migrated,
   * over 1000 pages) (checked after every 50 requests); the unmapped pool's user memory never
   * uses CMA (the pool refills with unmovable blocks), so nothing moves. Under ASI every pageblock
   * the device gets is sensitive, as the boot state and the sensitive page cache leave them.
   */
  @ParameterizedTest
  @ValueSource(strings = {"buddy", "pageblock-migratetype", "unmapped-pool"})
  void aDeviceBufferFromTheCmaAreaMigratesWhatGrewIntoIt(String allocator) {
    RunResult r = new Runner(REG).run(config(allocator, 50, "allocator." + allocator + ".cma=32M",
        "workload.server-mix.cma-every=500", "workload.server-mix.cma-pages=1024"));
    assertThat(r.get("invariant_violations")).isZero();
    assertThat(r.get("cma_alloc_success")).isEqualTo(6000 / 500);
    assertThat(r.get("cma_alloc_fail")).isZero();
    assertThat(r.get("pgmigrate_success")).isZero();
    if (!allocator.equals("unmapped-pool")) {
      RunResult noDevice = new Runner(REG).run(config(allocator, 0, "allocator." + allocator + ".cma=32M"));
      assertThat(r.get("pagecache_evictions")).isGreaterThan(noDevice.get("pagecache_evictions") + 500);
    }
    assertThat(r.get("asi_cma_sensitive_pageblocks")).isEqualTo(allocator.equals("pageblock-migratetype") ? 24 : 0);
  }

  @Test
  void cmaPagesMustBeWholePageblocks() {
    assertThatThrownBy(() -> new Runner(REG).run(config("buddy", 0, "workload.server-mix.cma-pages=700")))
        .hasMessageContaining("cma-pages: 700 is not whole pageblocks (valid: a multiple of 512)");
  }

  @Test
  void heapsThatCannotFitAreOneClearError() {
    assertThatThrownBy(() -> new Runner(REG).run(config("buddy", 0, "workload.server-mix.heap-pages=40000")))
        .hasMessageContaining("server-mix: 2 heaps of 40000 pages need more than half of the servers' memory")
        .hasMessageContaining("valid: servers * heap-pages <= ");
  }
}
