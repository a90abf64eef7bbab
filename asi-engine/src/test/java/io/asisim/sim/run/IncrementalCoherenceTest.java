package io.asisim.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mm.Gfp;
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
 * The incremental TLB-coherence check on hand-made page-table states (docs/checker.md,
 * "Incremental checking"), each judged by {@link Checker#checkChanged()} and then by the full
 * {@link Checker#checkFunctional()}, which must say the same: a user PTE rewritten to another frame
 * without a flush while a restricted TLB entry still caches the old frame; the same while the CPU
 * runs another mm, where neither check may judge it until the mm is loaded again — and then both do,
 * the incremental one from the entry it kept following; and the flushed control.
 */
class IncrementalCoherenceTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();
  private static final long VA = 0x400000L;

  private BootedVariant v;
  private Machine m;
  private AddressSpaces as;
  private Checker checker;
  private long mm;
  private long other;
  private long a;
  private long b;

  private void boot() {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, sel.keySet(),
        Settings.parse(List.of("machine.x86.cr3-noflush=true"), REGISTRY), 1, 1);
    v = Boot.boot(c, REGISTRY);
    m = v.machine();
    as = m.addressSpaces();
    checker = new Checker(m, v.allocator(), v.kernel().view(), v.metrics(), true);
    mm = as.mmCreate(0);
    other = as.mmCreate(0);
    a = v.allocator().alloc(0, 0, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_SENSITIVE);
    b = v.allocator().alloc(0, 0, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_SENSITIVE);
    assertThat(as.mapUser(0, mm, VA, a, true)).isTrue();
    as.switchMm(0, mm);
    m.asi().asiEnter(0);
    assertThat(m.tlb().access(0, VA, false, 0)).isEqualTo(a); // a restricted entry va -> a on cpu 0
    assertThat(checker.checkChanged()).isNull();
  }

  private void remap() {
    as.unmapUser(0, mm, VA);
    assertThat(as.mapUser(0, mm, VA, b, true)).isTrue(); // no flush_tlb_page()
  }

  private String expected() {
    return "TLB coherence: cpu 0 caches va 0x400000 -> pfn " + a + " but the restricted page tables of mm " + mm
        + " now map it to pfn " + b + " (a flush was skipped before the PTE was rewritten)";
  }

  @Test
  void aRewrittenPteWithoutFlushIsSeenOnTheCpuRunningTheMm() {
    boot();
    remap();
    assertThat(checker.checkChanged()).isEqualTo(expected());
    assertThat(checker.checkFunctional()).isEqualTo(expected());
  }

  @Test
  void anEntryOfAnMmNotLoadedIsFollowedUntilTheMmRunsAgain() {
    boot();
    m.asi().asiExit(0, AsiExitReason.MISC, 0);
    as.switchMm(0, other);
    remap();
    // cpu 0 runs another mm: its stale entry of mm is unreachable, so neither check judges it
    assertThat(checker.checkChanged()).isNull();
    assertThat(checker.checkFunctional()).isNull();
    // nothing flushed it: back on mm (a NOFLUSH switch to the same ASID) it is reachable again, and
    // the incremental check, whose log is empty now, finds it through the entry it kept following
    as.switchMm(0, mm);
    m.asi().asiEnter(0);
    assertThat(checker.checkChanged()).isEqualTo(expected());
    assertThat(checker.checkFunctional()).isEqualTo(expected());
  }

  @Test
  void aLazyCpusStaleEntryIsJudgedOnlyOnceItLeavesLazyMode() {
    boot();
    m.tlb().setLazy(0, true); // enter_lazy_tlb(): native_flush_tlb_multi() skips it, so may we
    remap();
    assertThat(checker.checkChanged()).isNull();
    assertThat(checker.checkFunctional()).isNull();
    assertThat(checker.checkChanged()).as("followed, still lazy").isNull();
    m.tlb().setLazy(0, false); // running mm again without the flush switch_mm_irqs_off() owes
    assertThat(checker.checkChanged()).isEqualTo(expected());
    assertThat(checker.checkFunctional()).isEqualTo(expected());
    assertThat(checker.localChecks()).isEqualTo(4);
  }

  @Test
  void aRemapToTheSameFrameAndAnUnmapAreNotIncoherent() {
    boot();
    as.unmapUser(0, mm, VA);
    assertThat(checker.checkChanged()).as("unmapped: stale, but no other frame").isNull();
    assertThat(as.mapUser(0, mm, VA, a, true)).isTrue();
    assertThat(checker.checkChanged()).as("the same frame again").isNull();
    assertThat(checker.checkFunctional()).isNull();
  }

  @Test
  void theFlushedRewriteIsClean() {
    boot();
    m.asi().asiExit(0, AsiExitReason.MISC, 0);
    as.switchMm(0, other);
    remap();
    m.tlb().shootdown(0, m.tlb().mmCpumask(mm), mm, VA, 1); // flush_tlb_mm_range(): deferred for cpu 0
    assertThat(checker.checkChanged()).isNull();
    as.switchMm(0, mm);
    m.asi().asiEnter(0);
    assertThat(checker.checkChanged()).isNull();
    assertThat(checker.checkFunctional()).isNull();
  }
}
