package io.asisim.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.RunResult;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The contract of a page allocator (kind {@code allocator}, see docs/architecture.md), driven directly on a
 * small simulated machine against a reference model (a bitset of the frames handed out):
 * <ul>
 *   <li>every block is naturally aligned, inside memory above the boot-reserved frames, and
 *       overlaps no live block; under ASI its frames have the sensitivity the variant's
 *       classifier gives the request's GFP mask;
 *   <li>alloc/free round trips give every page back ({@link PageAllocator#freePages()} returns
 *       to its start value, less the page-table pages the allocator's own direct-map splits took)
 *       and {@link PageAllocator#checkConsistency()} holds throughout;
 *   <li>exhausting memory fails cleanly (counted in {@code alloc_failures}) and recovers;
 *   <li>same seed, same blocks and counters; {@code alloc-stress} runs end to end with the checker;
 *   <li>every discrete value of every parameter (each boolean, each choice, and the
 *       {@link #pathValues()} a strategy names), in every combination, with blocking-only and
 *       atomic-heavy request mixes, runs {@code alloc-stress} under the checker with no violation.
 * </ul>
 */
public abstract class PageAllocatorContract extends PluginContract {
  /** The request mix: kernel, user, reclaimable, accounted, atomic, explicit sensitive. */
  private static final int[] GFPS = {Gfp.GFP_KERNEL, Gfp.GFP_HIGHUSER_MOVABLE, Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE,
      Gfp.GFP_KERNEL_ACCOUNT, Gfp.GFP_ATOMIC, Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE};

  @Override
  protected final PluginKind expectedKind() {
    return PluginKind.ALLOCATOR;
  }

  /** Whether the allocator runs with ASI on (its strategy keeps sensitivities apart); the ASI-off buddy says false. */
  protected boolean asi() {
    return true;
  }

  /** A 2-CPU variant of {@code memory} bytes with this allocator. */
  protected VariantConfig variant(long memory, long seed) {
    return TestVariants.builder().cpus(2).memory(memory).asi(asi()).seed(seed)
        .select(PluginKind.ALLOCATOR, plugin().name()).setAll(PluginKind.ALLOCATOR, plugin().name(), params()).build();
  }

  /** A random mix of allocations and frees, checked against the reference model. */
  @Test
  void randomAllocFreeRoundTrips() {
    Driver d = new Driver(variant(128L << 20, 1));
    long free0 = d.alloc.freePages();
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 6000; i++) {
      if (d.live.size() < 8 || rnd.nextInt(100) < 55) {
        d.allocChecked(rnd.nextInt(2), rnd.nextInt(100) < 80 ? 0 : 1 + rnd.nextInt(4), GFPS[rnd.nextInt(GFPS.length)]);
      } else {
        d.freeOne(rnd.nextInt(2), rnd.nextInt(d.live.size()));
      }
      if (i % 250 == 0) {
        assertThat(d.alloc.checkConsistency()).as("consistency after op " + i).isNull();
      }
    }
    assertThat(d.requests).isGreaterThan(3000);
    while (!d.live.isEmpty()) {
      d.freeOne(0, d.live.size() - 1);
    }
    assertThat(d.alloc.checkConsistency()).isNull();
    assertThat(d.alloc.freePages() + d.tablePagesTaken()).as("every page back but new page tables").isEqualTo(free0);
  }

  @Test
  void exhaustionFailsCleanlyAndRecovers() {
    Driver d = new Driver(variant(64L << 20, 1));
    long free0 = d.alloc.freePages();
    long frames = d.machine.nrFrames();
    boolean kernelFailed = false;
    boolean userFailed = false;
    for (int i = 0; i < 2 * frames && !(kernelFailed && userFailed); i++) {
      // alternate the sensitivities so that both classes run dry
      boolean user = (i & 1) != 0;
      if ((user ? userFailed : kernelFailed)) {
        continue;
      }
      if (d.allocChecked(0, 0, user ? Gfp.GFP_HIGHUSER_MOVABLE : Gfp.GFP_KERNEL) < 0) {
        kernelFailed |= !user;
        userFailed |= user;
      }
    }
    assertThat(kernelFailed && userFailed).as("memory ran out for both kinds of request").isTrue();
    assertThat(d.metrics.get("alloc_failures")).as("alloc_failures counted").isPositive();
    assertThat(d.alloc.checkConsistency()).isNull();
    // watermarks keep a reserve back from ordinary requests, but most free memory was handed out
    assertThat(d.allocatedPages).as("pages handed out of " + free0 + " free").isGreaterThan(free0 * 3 / 4);
    while (!d.live.isEmpty()) {
      d.freeOne(0, d.live.size() - 1);
    }
    assertThat(d.alloc.freePages() + d.tablePagesTaken()).as("every page back but new page tables").isEqualTo(free0);
    assertThat(d.allocChecked(1, 3, Gfp.GFP_KERNEL)).as("an order-3 block after the drain").isNotNegative();
  }

  @Test
  void sameSeedGivesTheSameBlocksAndCounters() {
    assertThat(trace()).isEqualTo(trace());
    VariantConfig stress = endToEnd(0);
    assertThat(Runs.run(registry(), stress).metrics()).isEqualTo(Runs.run(registry(), stress).metrics());
  }

  private List<Object> trace() {
    Driver d = new Driver(variant(64L << 20, 3));
    SplittableRandom rnd = new SplittableRandom(3);
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      if (d.live.isEmpty() || rnd.nextBoolean()) {
        out.add(d.allocChecked(rnd.nextInt(2), rnd.nextInt(3), GFPS[rnd.nextInt(GFPS.length)]));
      } else {
        d.freeOne(rnd.nextInt(2), rnd.nextInt(d.live.size()));
      }
    }
    out.add(new java.util.TreeMap<>(d.metrics.all().entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(e -> e.getKey(), e -> e.getValue().get()))));
    return out;
  }

  /** A small {@code alloc-stress} run with this allocator. */
  protected VariantConfig endToEnd(long checkEvery) {
    return TestVariants.builder().cpus(2).memory(128L << 20).asi(asi()).checkEvery(checkEvery)
        .select(PluginKind.ALLOCATOR, plugin().name()).setAll(PluginKind.ALLOCATOR, plugin().name(), params())
        .select(PluginKind.WORKLOAD, "alloc-stress").set(PluginKind.WORKLOAD, "alloc-stress", "ops", "20000").build();
  }

  @Test
  void allocStressRunsEndToEndWithTheChecker() {
    RunResult r = Runs.run(registry(), endToEnd(500));
    assertThat(r.get("ops")).isEqualTo(20000);
    assertThat(r.get("alloc_requests")).isPositive();
    assertThat(r.get("invariant_violations")).isZero();
  }

  /**
   * Values of non-discrete parameters that select distinct paths, swept with the booleans and
   * choices: by default a CMA area (the {@code MIGRATE_CMA} paths) and none. A strategy adds its
   * own (the pool: a shrinker that returns sub-pageblock blocks).
   */
  protected Map<String, List<String>> pathValues() {
    return plugin().params().stream().anyMatch(s -> s.name().equals("cma"))
        ? Map.of("cma", List.of("0", "8M")) : Map.of();
  }

  /** The parameters every allocator shares: each other value is run once, on the defaults. */
  private static final Set<String> COMMON = Set.of("thp", "cma");

  /** {@code alloc-stress} atomic fractions: blocking requests only, and a quarter atomic ones. */
  private static final List<String> ATOMIC_FRACTIONS = List.of("0", "0.25");

  /**
   * 256 MiB so that the DMA32 zone is large enough for a HIGHATOMIC reserve (1% of it must be a
   * pageblock), and enough ops to run out of memory, so that atomic slow paths, reserves, pool
   * refills of every order and shrinks all happen.
   */
  @Test
  void everyDiscreteParameterValueRunsCleanUnderTheChecker() {
    List<Map<String, String>> combos = ParamSweep.combinations(plugin().params(), pathValues(), COMMON);
    int runs = 0;
    for (Map<String, String> combo : combos) {
      for (String atomic : ATOMIC_FRACTIONS) {
        Map<String, String> p = new TreeMap<>(params());
        p.putAll(combo);
        VariantConfig v = TestVariants.builder().cpus(2).memory(256L << 20).asi(asi()).checkEvery(100).seed(++runs)
            .select(PluginKind.ALLOCATOR, plugin().name()).setAll(PluginKind.ALLOCATOR, plugin().name(), p)
            .select(PluginKind.WORKLOAD, "alloc-stress").set(PluginKind.WORKLOAD, "alloc-stress", "ops", "12000")
            .set(PluginKind.WORKLOAD, "alloc-stress", "atomic-fraction", atomic).build();
        String what = plugin().name() + " " + p + " atomic-fraction " + atomic;
        RunResult r;
        try {
          r = Runs.run(registry(), v);
        } catch (RuntimeException e) {
          throw new AssertionError(what + ": " + e.getMessage(), e);
        }
        assertThat(r.get("invariant_violations")).as(what).isZero();
        assertThat(r.get("alloc_failures")).as(what + ": memory ran out").isPositive();
      }
    }
    assertThat(runs).isEqualTo(combos.size() * ATOMIC_FRACTIONS.size());
  }

  /** Drives the allocator and keeps the reference model. */
  private final class Driver {
    final Machine machine;
    final PageAllocator alloc;
    final SensitivityClassifier classifier;
    final Metrics metrics;
    final BitSet held = new BitSet();
    final List<long[]> live = new ArrayList<>(); // {pfn, order}
    final long tablePages0;
    long requests;
    long allocatedPages;

    Driver(VariantConfig config) {
      VariantObjects o = new VariantObjects(config, registry());
      machine = o.get(Machine.class);
      alloc = o.get(PageAllocator.class);
      io.asisim.sim.run.Boot.handOverPageTables(machine, alloc); // as the engine's boot does
      classifier = o.get(SensitivityClassifier.class);
      metrics = o.get(Metrics.class);
      tablePages0 = machine.addressSpaces().pagetablePages();
    }

    /**
     * Page-table pages the allocator took for itself since the start (splitting a direct-map leaf
     * allocates a table page from it), which stay in use after the drain.
     */
    long tablePagesTaken() {
      return machine.addressSpaces().pagetablePages() - tablePages0;
    }

    long allocChecked(int cpu, int order, int gfp) {
      requests++;
      long pfn = alloc.alloc(cpu, order, gfp);
      if (pfn == PageAllocator.NO_PAGE) {
        return pfn;
      }
      long n = 1L << order;
      String what = "block " + pfn + " order " + order + " gfp " + Gfp.format(gfp);
      assertThat(pfn % n).as(what + ": naturally aligned").isZero();
      assertThat(io.asisim.api.machine.PfnRange.framesIn(machine.bootReservation(), pfn, pfn + n))
          .as(what + ": outside boot-reserved memory " + machine.bootReservation()).isZero();
      assertThat(pfn + n).as(what + ": inside memory").isLessThanOrEqualTo(machine.nrFrames());
      int next = held.nextSetBit((int) pfn);
      assertThat(next < 0 || next >= pfn + n).as(what + ": overlaps a live block at " + next).isTrue();
      held.set((int) pfn, (int) (pfn + n));
      if (asi()) {
        assertThat(alloc.sensitivity(pfn)).as(what + ": sensitivity").isEqualTo(classifier.classify(gfp));
      }
      live.add(new long[] {pfn, order});
      allocatedPages += n;
      return pfn;
    }

    void freeOne(int cpu, int index) {
      long[] b = live.get(index);
      live.set(index, live.get(live.size() - 1));
      live.remove(live.size() - 1);
      held.clear((int) b[0], (int) (b[0] + (1L << b[1])));
      allocatedPages -= 1L << b[1];
      alloc.free(cpu, b[0], (int) b[1]);
    }
  }
}
