package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import org.junit.jupiter.api.Test;

/**
 * Mutation proof for the one-path mutants of {@link PathMutants}, as {@link MutationTest} does for
 * {@link Mutants}: each broken plugin is caught under --check (the invariant named, or leak
 * exposures where the unbroken plugin has none; the released-alias mutants as {@code alias PTE}),
 * and the unbroken plugin on the same config
 * and seed is clean. The table of every mutant and what catches it is docs/checker.md, "Mutants
 * the suite must catch".
 */
class PathMutationTest {
  /** mermap's window in the alias-PTE runs: small, so that the window wraps within the run. */
  private static final int MERMAP_PAGES = 32;
  private static final PluginRegistry REG = Registries.with(PathMutants.kernelFlushOnePcid("mm-global"),
      PathMutants.kernelFlushLoadedAsidOnly("precise"), PathMutants.poolShrinkWithoutZeroing(),
      PathMutants.putKeepsPte("kmap-local"), PathMutants.putKeepsPte("mermap"), PathMutants.putKeepsPte("ephmap"),
      PathMutants.noContextSwitchExit(), PathMutants.neverExit(), TestWorkloads.accessChurn(),
      TestWorkloads.flipChurn());
  private static final MutantRig RIG = new MutantRig(REG);

  /**
   * {@link MutationTest}'s flush configuration (close() after migrations, NOFLUSH CR3 writes),
   * 800 ops instead of 2000.
   */
  private static Variants churn(String mapper, String flush) {
    return churn("access-churn", mapper, flush);
  }

  private static Variants churn(String workload, String mapper, String flush) {
    return Variants.of(workload).pick(PluginKind.MAPPER, mapper).pick(PluginKind.FLUSH, flush)
        .set("machine.x86.cr3-noflush=true").set("workload." + workload + ".ops=800").memory(128L << 20).cpus(4)
        .seed(7).checkEvery(1);
  }

  /** {@link MutationTest}'s allocator configuration: pageblocks and pool blocks change sensitivity both ways. */
  private static Variants flips(String allocator) {
    return Variants.of("flip-churn").pick(PluginKind.ALLOCATOR, allocator).memory(128L << 20).cpus(4).seed(5)
        .checkEvery(1);
  }

  /** {@link #churn} for the alias-PTE mutants, mermap with a small window. */
  private static Variants aliasChurn(String mapper) {
    Variants v = churn("access-churn", mapper, "mm-global");
    return mapper.contains("mermap") ? v.set("mapper." + mapper + ".region-pages=" + MERMAP_PAGES) : v;
  }

  private static RunResult run(Variants v) {
    return RIG.run(v);
  }

  private static void caughtAsViolation(Variants broken, Variants correct, String invariant) {
    RIG.caughtAsViolation(broken, correct, invariant);
  }

  private static void caughtAsExposure(Variants broken, Variants correct) {
    RIG.caughtAsExposure(broken, correct);
  }

  @Test
  void kernelAliasFlushOfOnePcidIsCaught() {
    caughtAsExposure(churn("kmap-local", "mutant-mm-global-kernel-one-pcid"), churn("kmap-local", "mm-global"));
  }

  @Test
  void kernelAliasFlushOfTheLoadedAsidOnlyIsCaught() {
    caughtAsExposure(churn("kmap-local", "mutant-precise-kernel-loaded-asid-only"), churn("kmap-local", "precise"));
  }

  @Test
  void poolShrinkWithoutZeroingIsCaught() {
    caughtAsViolation(flips("mutant-pool-shrink-no-zero"), flips("unmapped-pool"), "zero on flip");
  }

  @Test
  void kmapLocalPutKeepingThePteIsCaught() {
    caughtAsViolation(aliasChurn("mutant-kmap-local-put-keeps-pte"), aliasChurn("kmap-local"),
        "alias PTE: va 0xffffe8ffc");
  }

  @Test
  void mermapPutKeepingThePteIsCaught() {
    caughtAsViolation(aliasChurn("mutant-mermap-put-keeps-pte"), aliasChurn("mermap"),
        "alias PTE: va 0xffffe8ff8");
  }

  @Test
  void ephmapPutKeepingThePteIsCaught() {
    caughtAsViolation(aliasChurn("mutant-ephmap-put-keeps-pte"), aliasChurn("ephmap"),
        "alias PTE: va 0xffff88");
  }

  @Test
  void contextSwitchWithoutAsiExitIsCaught() {
    // the x86 model's BUG_ON in switch_mm_irqs_off() (X86Cr3.switchMm) fires at the first switch
    // to another mm, already during set-up (spawning the processes): a kernel BUG (exit 3), not a
    // workload that does not fit (docs/checker.md)
    assertThat(run(churn("ephmap", "mm-global")).get("invariant_violations")).isZero();
    assertThatThrownBy(() -> run(churn("ephmap", "mm-global").pick(PluginKind.MACHINE, "mutant-x86-no-cs-exit")
        .set("machine.mutant-x86-no-cs-exit.cr3-noflush=true")))
        .isInstanceOf(io.asisim.sim.CheckViolationException.class)
        .hasMessageMatching("invariant violated: kernel BUG: switch_mm while restricted on cpu \\d+: asi_exit first"
            + ".* \\(during workload set-up\\)");
  }

  /** {@link MutationTest}'s small kernel-build: fork/exec/exit, kthreads and migrations switch mms all the time. */
  private static Variants build(String contextSwitch) {
    return Variants.of("kernel-build").pick(PluginKind.CONTEXT_SWITCH, contextSwitch).memory(128L << 20).cpus(4)
        .seed(3).checkEvery(0).set("workload.kernel-build.ops=1500").set("workload.kernel-build.jobs=6")
        .set("workload.kernel-build.build-memory=48M").set("workload.kernel-build.anon-pages=60")
        .set("workload.kernel-build.files-per-job=8").set("workload.kernel-build.source-files=60");
  }

  @Test
  void aPolicyCannotStayRestrictedAcrossAnMmChange() {
    RunResult bad = run(build("mutant-never-exit"));
    RunResult ok = run(build("same-mm"));
    assertThat(ok.get("asi_exits.context_switch")).as("exits on mm changes").isPositive();
    assertThat(bad.metrics()).as("metric for metric").isEqualTo(ok.metrics());
  }
}
