package io.asisim.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract of a mapper (kind {@code mapper}, docs/kernel-map-mappers.md), on the simulated x86 machine:
 * <ul>
 *   <li>an alias maps exactly the frame asked for in the caller's restricted address space, a
 *       restricted access through it takes no {@code asi_exit}, and its PTE is gone after unmap;
 *   <li>{@code transient_maps} counts every alias made; a refusal ({@link Mapper#NO_ALIAS}) makes
 *       no alias and the caller's direct-map access exits ASI;
 *   <li>two live mappings on one CPU (copy-on-write) never alias each other's frame;
 *   <li>live aliases are enumerated for the checker;
 *   <li>random process lives under every built-in flush policy never read a wrong frame;
 *   <li>same seed, same counters; {@code fio-randread} runs end to end with the checker.
 * </ul>
 */
public abstract class MapperContract extends PluginContract {

  @Override
  protected final PluginKind expectedKind() {
    return PluginKind.MAPPER;
  }

  /** The flush policies the mapper is combined with. */
  protected List<String> flushPolicies() {
    return List.of("local", "mm-global", "precise", "eager-global");
  }

  /** A 2-CPU, 128 MiB variant with this mapper and {@code flush}. */
  protected VariantConfig variant(String flush, long seed) {
    return TestVariants.builder().cpus(2).memory(128L << 20).seed(seed)
        .select(PluginKind.MAPPER, plugin().name()).setAll(PluginKind.MAPPER, plugin().name(), params())
        .select(PluginKind.FLUSH, flush).build();
  }

  /** A rig with a 64-page file. */
  protected ScenarioRig rig(String flush, long seed) {
    return new ScenarioRig(variant(flush, seed), registry(), 64);
  }

  @Test
  void aliasMapsTheRequestedFrameRestrictedWithoutExit() {
    ScenarioRig rig = rig("precise", 1);
    long mm = rig.process();
    rig.run(0, mm);
    AddressSpaces as = rig.machine().addressSpaces();
    int aliases = 0;
    for (int i = 0; i < 8; i++) {
      rig.open(mm, i);
      long pfn = rig.filePfn(i);
      long maps = rig.metrics().get("transient_maps");
      long exits = rig.metrics().get("asi_exits");
      long va = rig.mapper().map(0, mm, pfn);
      if (va == Mapper.NO_ALIAS) {
        assertThat(rig.metrics().get("transient_maps")).as("a refusal makes no alias").isEqualTo(maps);
        continue;
      }
      aliases++;
      assertThat(rig.metrics().get("transient_maps")).as("transient_maps counts the alias").isEqualTo(maps + 1);
      assertThat(as.translate(mm, true, va)).as("restricted walk of the alias").isEqualTo(pfn);
      assertThat(rig.machine().tlb().access(0, va, false, 0)).isEqualTo(pfn);
      assertThat(rig.metrics().get("asi_exits")).as("an alias is usable restricted").isEqualTo(exits);
      rig.mapper().unmap(0, mm, va);
      assertThat(as.translate(mm, true, va)).as("PTE cleared by unmap").isEqualTo(-1);
    }
    if (aliases == 0) {
      // a mapper that never aliases (exit): the caller's access through the direct map must exit
      long exits = rig.metrics().get("asi_exits");
      assertThat(rig.read(0, 0)).isEqualTo(rig.filePfn(0));
      assertThat(rig.metrics().get("asi_exits")).isEqualTo(exits + 1);
    }
  }

  @Test
  void twoLiveMappingsOnOneCpuReachTheirOwnFrames() {
    ScenarioRig rig = rig("precise", 1);
    long mm = rig.process();
    rig.run(1, mm);
    long a = rig.mapper().map(1, mm, rig.filePfn(3));
    long b = rig.mapper().map(1, mm, rig.filePfn(4));
    if (a != Mapper.NO_ALIAS && b != Mapper.NO_ALIAS) {
      assertThat(a).isNotEqualTo(b);
      assertThat(rig.machine().tlb().access(1, a, false, 0)).isEqualTo(rig.filePfn(3));
      assertThat(rig.machine().tlb().access(1, b, false, 0)).isEqualTo(rig.filePfn(4));
    }
    List<long[]> live = new ArrayList<>();
    rig.mapper().forEachAlias((cpu, m, va, pfn, isLive) -> {
      if (isLive) {
        live.add(new long[] {va, pfn});
      }
    });
    for (long va : new long[] {a, b}) {
      if (va != Mapper.NO_ALIAS) {
        long pfn = va == a ? rig.filePfn(3) : rig.filePfn(4);
        assertThat(live).as("live alias enumerated for the checker")
            .anySatisfy(e -> assertThat(e).containsExactly(va, pfn));
      }
    }
    if (b != Mapper.NO_ALIAS) {
      rig.mapper().unmap(1, mm, b);
    }
    if (a != Mapper.NO_ALIAS) {
      rig.mapper().unmap(1, mm, a);
    }
  }

  @Test
  void randomLivesReadTheRightFrameUnderEveryFlushPolicy() {
    for (String f : flushPolicies()) {
      ScenarioRig rig = rig(f, 2);
      RandomScenario.Stats s = new RandomScenario(rig, 44, 4).run(1500, (i, w) -> {});
      assertThat(s.reads()).isPositive();
      assertThat(s.wrongFrames()).as(f + ": reads that returned another frame").isZero();
    }
  }

  @Test
  void sameSeedGivesTheSameCounters() {
    assertThat(counters()).isEqualTo(counters());
    VariantConfig fio = endToEnd(0);
    assertThat(Runs.run(registry(), fio).metrics()).isEqualTo(Runs.run(registry(), fio).metrics());
  }

  private Map<String, Long> counters() {
    ScenarioRig rig = rig("mm-global", 3);
    new RandomScenario(rig, 55, 3).run(500, (i, w) -> {});
    return rig.snapshot();
  }

  /** A small {@code fio-randread} run with this mapper and the secure {@code precise} policy. */
  protected VariantConfig endToEnd(long checkEvery) {
    return Workloads.small(TestVariants.builder().cpus(4).memory(512L << 20).checkEvery(checkEvery)
        .select(PluginKind.MAPPER, plugin().name()).setAll(PluginKind.MAPPER, plugin().name(), params())
        .select(PluginKind.FLUSH, "precise").select(PluginKind.WORKLOAD, "fio-randread"), "fio-randread").build();
  }

  @Test
  void fioRunsEndToEndWithTheChecker() {
    RunResult r = Runs.run(registry(), endToEnd(25));
    assertThat(r.get("ops")).isEqualTo(400);
    assertThat(r.get("invariant_violations")).isZero();
    // every read either made an alias or exited ASI from the page-cache copy; a mapper that never
    // aliases (exit) registers no transient_maps counter at all
    assertThat(r.valueOrZero("transient_maps") + r.get("asi_exit_sites.pagecache_read")).isGreaterThanOrEqualTo(400);
  }
}
