package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.PageOrder;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code wakeup_kswapd()} and {@code balance_pgdat()} (mm/vmscan.c) as {@link Vmscan} models them,
 * against an allocator whose answers to {@code pgdat_balanced()} and
 * {@code pgdat_watermark_boosted()} the test sets (every other call goes to a booted kernel's
 * buddy allocator): a balanced node without a boost gets no kswapd at any order, only kcompactd
 * for a high order that may not compact itself; a boosted node gets kswapd even when balanced, and
 * kswapd then takes the boost off and wakes kcompactd at pageblock order.
 */
class KswapdWakeupTest {
  /** The allocator's answers, and what Vmscan asked of it. */
  private static final class Rig {
    boolean balanced;
    /** When set, pgdat_balanced()'s answers in turn (each call takes one), before {@link #balanced}. */
    final java.util.ArrayDeque<Boolean> balancedAnswers = new java.util.ArrayDeque<>();
    boolean boosted;
    boolean wakeup; // takeKswapdWakeup()'s next answer: the request missed the low marks
    final List<Integer> kcompactdOrders = new ArrayList<>();
    int boostResets;
    Vmscan vmscan;
    final Metrics metrics = new Metrics();

    long wakeups() {
      return metrics.get("kswapd_wakeups");
    }
  }

  private static Rig boot() {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.ALLOCATOR, "buddy");
    PluginRegistry reg = PluginRegistry.discover();
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, false), sel, Set.of(),
        Settings.parse(List.of(), reg), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, reg));
    KernelInit ki = inj.getInstance(SimKernel.class).k;
    Rig rig = new Rig();
    PageAllocator real = ki.allocator;
    PageAllocator fake = (PageAllocator) Proxy.newProxyInstance(PageAllocator.class.getClassLoader(),
        new Class<?>[] {PageAllocator.class}, (proxy, m, args) -> {
          switch (m.getName()) {
            case "pgdatBalanced":
              return rig.balancedAnswers.isEmpty() ? rig.balanced : rig.balancedAnswers.poll();
            case "pgdatWatermarkBoosted":
              return rig.boosted;
            case "takeKswapdWakeup":
              boolean w = rig.wakeup;
              rig.wakeup = false;
              return w;
            case "kcompactdSuitable":
              rig.kcompactdOrders.add((Integer) args[0]);
              return false; // woken; the compaction itself is not this test's
            case "resetWatermarkBoost":
              rig.boostResets++;
              rig.boosted = false;
              return null;
            default:
              try {
                return m.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
          }
        });
    rig.vmscan = new Vmscan(ki.machine, fake, new PageCache(), ki.tasks, ki.plugins, KernelCounters.register(rig.metrics),
        ki.sched);
    return rig;
  }

  /** A GFP_KERNEL page that missed the low marks: kswapd is woken unless the node is balanced and unboosted. */
  @Test
  void aBalancedUnboostedNodeGetsNoKswapdAtOrderZero() {
    Rig r = boot();
    r.balanced = true;
    r.wakeup = true;
    assertThat(r.vmscan.allocPages(0, 0, Gfp.GFP_KERNEL)).isNotNegative();
    assertThat(r.wakeups()).isZero();
    assertThat(r.kcompactdOrders).as("order 0 never wakes kcompactd").isEmpty();
    assertThat(r.boostResets).isZero();

    r.balanced = false;
    r.wakeup = true;
    assertThat(r.vmscan.allocPages(0, 0, Gfp.GFP_KERNEL)).isNotNegative();
    assertThat(r.wakeups()).isEqualTo(1);
    assertThat(r.boostResets).isEqualTo(1); // balance_pgdat() ran to its end
    assertThat(r.kcompactdOrders).as("no boost, order 0: no kcompactd").isEmpty();
  }

  /** A boost makes kswapd run on a balanced node; at its end, kcompactd at pageblock order. */
  @Test
  void aBoostedNodeGetsKswapdEvenWhenBalancedAndKswapdThenWakesKcompactd() {
    Rig r = boot();
    r.balanced = true;
    r.boosted = true;
    r.wakeup = true;
    assertThat(r.vmscan.allocPages(0, 0, Gfp.GFP_KERNEL)).isNotNegative();
    assertThat(r.wakeups()).isEqualTo(1);
    assertThat(r.boostResets).isEqualTo(1);
    assertThat(r.kcompactdOrders).containsExactly(PageOrder.PAGEBLOCK_ORDER);
  }

  /**
   * A high-order request that may not reclaim directly, on a balanced unboosted node: kcompactd at
   * its order, no kswapd; the same request on a node that is not balanced gets kswapd, which, with
   * the node balanced after its run, wakes kcompactd at the request's order.
   */
  @Test
  void aHighOrderRequestOnABalancedNodeWakesOnlyKcompactd() {
    Rig r = boot();
    int gfp = Gfp.GFP_KERNEL & ~Gfp.__GFP_DIRECT_RECLAIM;
    r.balanced = true;
    r.wakeup = true;
    assertThat(r.vmscan.allocPages(0, 3, gfp)).isNotNegative();
    assertThat(r.wakeups()).isZero();
    assertThat(r.kcompactdOrders).containsExactly(3);

    r.kcompactdOrders.clear();
    r.balanced = false;
    r.wakeup = true;
    // the cache is empty: kswapd reclaims nothing in its one round, and the node stays unbalanced
    assertThat(r.vmscan.allocPages(0, 3, gfp)).isNotNegative();
    assertThat(r.wakeups()).isEqualTo(1);
    assertThat(r.kcompactdOrders).as("not balanced after kswapd: no wakeup_kcompactd(alloc_order)").isEmpty();

    r.balancedAnswers.add(false); // wakeup_kswapd(): not balanced
    r.balancedAnswers.add(false); // balance_pgdat(): not balanced yet, one reclaim round
    r.balancedAnswers.add(true); // after it: balanced
    r.wakeup = true;
    assertThat(r.vmscan.allocPages(0, 3, gfp)).isNotNegative();
    assertThat(r.wakeups()).isEqualTo(2);
    assertThat(r.kcompactdOrders).as("balanced after kswapd: wakeup_kcompactd(alloc_order)").containsExactly(3);
  }

  /**
   * kswapd woken on an unbalanced node that is balanced by the time it runs ({@code balance_pgdat()}'s
   * first test): no reclaim, so no failure counted. Were each such run a failed one, the node would
   * turn hopeless after {@code MAX_RECLAIM_RETRIES} runs and stop getting kswapd.
   */
  @Test
  void kswapdOnANodeBalancedByTheTimeItRunsReclaimsNothingAndCountsNoFailure() {
    Rig r = boot();
    int runs = Vmscan.MAX_RECLAIM_RETRIES + 4;
    for (int i = 0; i < runs; i++) {
      r.balancedAnswers.add(false); // wakeup_kswapd(): not balanced
      r.balancedAnswers.add(true); // balance_pgdat(): balanced now
      r.wakeup = true;
      assertThat(r.vmscan.allocPages(0, 0, Gfp.GFP_KERNEL)).isNotNegative();
    }
    assertThat(r.wakeups()).as("never hopeless: every wakeup runs kswapd").isEqualTo(runs);
  }
}
