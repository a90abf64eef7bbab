package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.kernel.KernelView;
import io.asisim.sim.kernel.SimKernel;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Mutants of kernel paths: a copy-on-write that shares, which neither {@code --check} nor the
 * leak-exposure metric sees (no data contents are modelled, and the checker does not compare user
 * page tables with the kernel's reverse map: docs/checker.md, "Mutants the suite must catch"), and a
 * skipped {@code clear_user_highpage()}, which {@code --check} reports as {@code user zeroing}; both
 * caught by a hand-checked
 * scenario: the one of {@code SimKernelTest.forkSharesPagesAndCopiesOnlyWhileShared}, under ASI,
 * on x86 and on a machine mutant of {@link PathMutants}, with exact counts and page-table reads.
 */
class KernelMutationTest {
  private static final PluginRegistry REG = Registries.with(PathMutants.cowSharesInsteadOfCopying(),
      PathMutants.userPageNotCleared());

  /** What the scenario observed. */
  private record Seen(long anonFaults, long cowFaults, long pagesZeroed, long childPfn, long parentPfn,
      boolean childMayRead) {}

  /**
   * A parent with 4 anonymous pages (I/O buffer + 3 heap pages) forks; the child writes the first
   * heap page (a copy-on-write copy), then the parent reads it.
   */
  private static Seen scenario(String machine) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.MACHINE, machine);
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, REG));
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    AddressSpaces as = inj.getInstance(Machine.class).addressSpaces();
    KernelView view = k.view();
    int parent = k.spawn();
    long heap = k.mmapAnon(parent, 3);
    for (int i = 0; i < 3; i++) {
      k.touch(parent, heap + ((long) i << 12), true);
    }
    int child = k.fork(parent);
    k.touch(child, heap, true);
    long childPfn = as.translate(loadedMmOf(as, view, child, k.nrCpus()), false, heap);
    k.touch(parent, heap, false);
    long parentPfn = as.translate(loadedMmOf(as, view, parent, k.nrCpus()), false, heap);
    // a pageblock flipped to nonsensitive (for the kernel's slab pages) is zeroed whole: not a user clear
    long userCleared = m.get("pages_zeroed") - m.get("pageblock_flips_to_nonsensitive") * 512;
    return new Seen(m.get("anon_faults"), m.get("cow_faults"), userCleared, childPfn, parentPfn,
        view.hasLogicalAccess(child, childPfn));
  }

  private static long loadedMmOf(AddressSpaces as, KernelView view, int pid, int cpus) {
    for (int c = 0; c < cpus; c++) {
      if (view.currentPid(c) == pid) {
        return as.loadedMm(c);
      }
    }
    throw new AssertionError("pid " + pid + " runs nowhere");
  }

  @Test
  void theUnbrokenKernelCopiesAndZeroes() {
    Seen s = scenario("x86");
    assertThat(s.anonFaults()).isEqualTo(4);
    assertThat(s.cowFaults()).isEqualTo(1);
    assertThat(s.pagesZeroed()).as("every anonymous fault clears its page; the copy does not").isEqualTo(4);
    assertThat(s.childPfn()).as("the child's copy").isNotEqualTo(s.parentPfn()).isNotNegative();
    assertThat(s.childMayRead()).isTrue();
  }

  /** {@code wp_page_copy()} keeping the original writable: the child's PTE still maps the parent's frame. */
  @Test
  void copyOnWriteThatSharesIsCaught() {
    Seen s = scenario("mutant-x86-cow-shares");
    assertThat(s.cowFaults()).as("the kernel believes it copied").isEqualTo(1);
    assertThat(s.childPfn()).as("the child's PTE maps the parent's frame").isEqualTo(s.parentPfn());
    assertThat(s.childMayRead()).as("a frame its reverse map says it no longer maps").isFalse();
  }

  /** Under --check the same mutant is the {@code user zeroing} invariant, at the first anonymous fault. */
  @Test
  void anonymousPageNotClearedIsAUserZeroingViolationUnderCheck() {
    io.asisim.sim.run.Runner runner = new io.asisim.sim.run.Runner(REG);
    Variants clean = MutationTest.build("pageblock-migratetype", "ephmap", "mm-global");
    org.assertj.core.api.Assertions.assertThat(runner.run(clean.build(REG)).get("invariant_violations")).isZero();
    Variants broken = MutationTest.build("pageblock-migratetype", "ephmap", "mm-global")
        .pick(PluginKind.MACHINE, "mutant-x86-no-user-clear");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.run(broken.build(REG)))
        .isInstanceOf(io.asisim.sim.CheckViolationException.class)
        .hasMessageStartingWith("invariant violated: user zeroing: do_anonymous_page() mapped pfn ")
        .hasMessageContaining(" without zeroing it (after ");
  }

  /**
   * Under --check the same mutant is the {@code user PTE} invariant: the writer's PTE still maps the
   * frame it shares, where the kernel installed its copy.
   */
  @Test
  void copyOnWriteThatSharesIsAUserPteViolationUnderCheck() {
    io.asisim.sim.run.Runner runner = new io.asisim.sim.run.Runner(REG);
    Variants broken = MutationTest.build("pageblock-migratetype", "ephmap", "mm-global")
        .pick(PluginKind.MACHINE, "mutant-x86-cow-shares");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.run(broken.build(REG)))
        .isInstanceOf(io.asisim.sim.CheckViolationException.class)
        .hasMessageMatching("invariant violated: user PTE: va 0x[0-9a-f]+ of mm \\d+ maps pfn (\\d+) but the kernel "
            + "installed anonymous pfn (?!\\1 )\\d+ writable \\(after op \\d+, sim time \\d+ ns\\)");
  }

  /** {@code clear_user_highpage()} skipped: 4 pages reach user space uncleared. */
  @Test
  void anonymousPageNotClearedIsCaught() {
    Seen s = scenario("mutant-x86-no-user-clear");
    assertThat(s.anonFaults()).isEqualTo(4);
    assertThat(s.pagesZeroed()).as("pages_zeroed: 4 on x86").isZero();
  }
}
