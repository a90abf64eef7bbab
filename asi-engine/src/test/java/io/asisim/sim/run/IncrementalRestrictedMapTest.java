package io.asisim.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.check.Checker;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The incremental restricted-map and zero-on-flip checks on hand-made direct-map states
 * (docs/checker.md, "Incremental checking"), each judged by {@link Checker#checkChanged()} and by
 * the full {@link Checker#checkFunctional()}, which must say the same; and the operation counts that
 * say the checks between full ones really are local (a regression to full walks would keep every
 * verdict and lose only the speed).
 */
class IncrementalRestrictedMapTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();

  private Machine m;
  private PageAllocator alloc;
  private Checker checker;

  private void boot(String allocator, List<String> sets) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    sel.put(PluginKind.ALLOCATOR, allocator);
    BootedVariant v = Boot.boot(new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, sel.keySet(),
        Settings.parse(sets, REGISTRY), 1, 1), REGISTRY);
    m = v.machine();
    alloc = v.allocator();
    checker = new Checker(m, alloc, v.kernel().view(), v.metrics(), true);
  }

  /**
   * Two sensitive allocator-owned frames the restricted map leaves out, a pageblock apart (frames of
   * the boot reservation, which the allocator never owns, are skipped as the checks skip them).
   */
  private long[] sensitiveUnmapped() {
    // the pool of unmapped-pool holds sensitive frames only once a sensitive request refilled it
    assertThat(alloc.alloc(0, 0, io.asisim.api.mm.Gfp.GFP_HIGHUSER_MOVABLE | io.asisim.api.mm.Gfp.__GFP_SENSITIVE))
        .isNotNegative();
    assertThat(checker.checkChanged()).isNull();
    long[] out = new long[2];
    int n = 0;
    for (long p = 0; p < m.nrFrames() && n < 2; p += 64) {
      if (!io.asisim.api.machine.PfnRange.anyContains(m.bootReservation(), p + 7)
          && alloc.sensitivity(p + 7) == Sensitivity.SENSITIVE && !m.isRestrictedMapped(p + 7)) {
        out[n++] = p + 7;
      }
    }
    assertThat(n).isEqualTo(2);
    return out;
  }

  @Test
  void aSensitiveFrameMappedRestrictedIsSeenAndTheLowestIsNamed() {
    for (String allocator : List.of("pageblock-migratetype", "unmapped-pool")) {
      boot(allocator, List.of());
      assertThat(checker.checkChanged()).isNull();
      long[] p = sensitiveUnmapped();
      m.setRestrictedMapped(0, p[1], 1, true); // the higher one first: the log's order is not the walk's
      m.setRestrictedMapped(0, p[0], 1, true);
      // the pool's own consistency rule sees it first, as the walk does; the pageblock strategy's
      // per-pageblock rule looks at a pageblock's ends only, so the frame rule of the checker does
      String expected = allocator.equals("unmapped-pool")
          ? "allocator consistency: pool: frame " + p[0] + " in the sensitive pool is mapped in the restricted direct map"
          : "restricted map: sensitive pfn " + p[0] + " is present in the restricted direct map";
      assertThat(checker.checkChanged()).as(allocator).isEqualTo(expected);
      assertThat(checker.checkFunctional()).as(allocator).isEqualTo(expected);
    }
  }

  @Test
  void aNonsensitivePoolRefillIsZeroedBeforeItIsMappedAndBothChecksAreClean() {
    boot("unmapped-pool", List.of("allocator.unmapped-pool.pooled=nonsensitive"));
    assertThat(checker.checkChanged()).isNull();
    // with the pool holding the nonsensitive class, the main allocator's free frames are sensitive;
    // a pool refill maps and zeroes a block: the checks must be clean
    long pfn = alloc.alloc(0, 0, io.asisim.api.mm.Gfp.GFP_KERNEL);
    assertThat(pfn).isNotNegative();
    assertThat(alloc.sensitivity(pfn)).isEqualTo(Sensitivity.NONSENSITIVE);
    assertThat(checker.checkChanged()).isNull();
    assertThat(checker.checkFunctional()).isNull();
  }

  @Test
  void theChecksBetweenFullOnesAreLocal() {
    boot("pageblock-migratetype", List.of());
    for (int i = 0; i < 50; i++) {
      long pfn = alloc.alloc(0, i % 4, io.asisim.api.mm.Gfp.GFP_KERNEL | (i % 2 == 0 ? io.asisim.api.mm.Gfp.__GFP_SENSITIVE : 0));
      assertThat(checker.checkChanged()).isNull();
      alloc.free(0, pfn, i % 4);
      assertThat(checker.checkChanged()).isNull();
    }
    assertThat(checker.localChecks()).isEqualTo(100);
    assertThat(checker.fullChecks()).isZero();
    assertThat(checker.checkFunctional()).isNull();
    assertThat(checker.fullChecks()).isEqualTo(1);
  }
}
