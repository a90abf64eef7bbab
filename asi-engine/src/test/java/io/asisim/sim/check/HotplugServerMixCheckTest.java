package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.CheckViolationException;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * server-mix's {@code hotplug-every} under {@code --check} with every shipped allocator, mirrored
 * and not: 512 MiB, all of it the servers' (no other tenants' hugetlb pages: HugetlbTest moves
 * those out of a block), {@code movablecore=128M}, so the top 128 MiB memory block (pfn 98304..131071)
 * is ZONE_MOVABLE's; 1 500 requests with a hotplug turn every 250: remove, add, remove, add,
 * remove, add. Every allocator takes the block offline three times; the buddy allocators migrate its
 * user pages out (the unmapped pool keeps user memory in its own unmovable blocks, below the zone).
 * Under pageblock-migratetype ZONE_MOVABLE holds user memory only, sensitive, so it has no
 * restricted alias and even an unmirrored removal leaves nothing reachable. Under unmapped-pool
 * every frame outside the sensitive pool is in the restricted direct map, so an unmirrored removal
 * leaves the block's aliases there and the checker reports the first one; mirrored, it is clean,
 * and the block re-enters the restricted map when it comes back online.
 */
class HotplugServerMixCheckTest {
  private static final PluginRegistry REG = Registries.with();

  private static Variants serverMix(String alloc, boolean mirror) {
    return Variants.of("server-mix").pick(PluginKind.ALLOCATOR, alloc).asi(!alloc.equals("buddy"))
        .set("workload.server-mix.ops=1500").set("workload.server-mix.hotplug-every=250")
        .set("workload.server-mix.server-memory=512M").set("workload.server-mix.heap-pages=1024")
        .set("allocator." + alloc + ".movablecore=128M").set("machine.x86.mirror-physmap=" + mirror)
        .memory(512L << 20).cpus(2).seed(5).checkEvery(50);
  }

  @Test
  void everyAllocatorHotRemovesTheMovableBlock() {
    Runner runner = new Runner(REG);
    for (String alloc : List.of("buddy", "pageblock-migratetype", "unmapped-pool")) {
      for (boolean mirror : new boolean[] {false, true}) {
        String what = alloc + " mirror " + mirror;
        if (alloc.equals("unmapped-pool") && !mirror) {
          assertThatThrownBy(() -> runner.run(serverMix(alloc, false).build(REG))).as(what)
              .isInstanceOf(CheckViolationException.class)
              .hasMessageStartingWith("invariant violated: restricted map: pfn 98304 was hot-removed")
              .hasMessageContaining("(memory hotplug not mirrored)");
          continue;
        }
        RunResult r = runner.run(serverMix(alloc, mirror).build(REG));
        assertThat(r.get("invariant_violations")).as(what).isZero();
        assertThat(r.get("memory_offline")).as(what).isEqualTo(3);
        assertThat(r.get("memory_offline_failed")).as(what).isZero();
        assertThat(r.get("memory_online")).as(what).isEqualTo(3);
        if (!alloc.equals("unmapped-pool")) { // the pool's user memory sits in unmovable blocks, below the zone
          assertThat(r.get("pgmigrate_success")).as(what + ": the block's pages moved out").isPositive();
        }
      }
    }
  }
}
