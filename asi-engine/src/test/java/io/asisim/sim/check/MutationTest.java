package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.CheckViolationException;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import org.junit.jupiter.api.Test;

/**
 * Mutation proof: each deliberately broken plugin of {@link Mutants}, registered next to the
 * shipped ones and run with {@link Runner} on a randomized kernel-build under --check, is caught —
 * a functional violation naming the invariant, or leak exposures where the unbroken plugin shows
 * none. Each test also runs the unbroken plugin on the same config and seed: clean.
 */
class MutationTest {
  private static final PluginRegistry REG = Registries.with(Mutants.noZeroOnFlip(),
      Mutants.sensitiveLeftMapped("pageblock-migratetype"), Mutants.sensitiveLeftMapped("unmapped-pool"),
      Mutants.noShootdownOnFlip(), Mutants.doubleFree(), Mutants.skipRemote("mm-global"), Mutants.skipRemote("precise"),
      Mutants.ephmapReuseWithoutFlush(), Mutants.vmallocLeakedAlias(),
      TestWorkloads.accessChurn(), TestWorkloads.flipChurn());
  private static final MutantRig RIG = new MutantRig(REG);

  static Variants build(String allocator, String mapper, String flush) {
    return Variants.of("kernel-build").pick(PluginKind.ALLOCATOR, allocator).pick(PluginKind.MAPPER, mapper)
        .pick(PluginKind.FLUSH, flush).memory(128L << 20).cpus(4).seed(3).checkEvery(1)
        .set("workload.kernel-build.ops=1500").set("workload.kernel-build.jobs=6")
        .set("workload.kernel-build.build-memory=48M").set("workload.kernel-build.anon-pages=60")
        .set("workload.kernel-build.files-per-job=8").set("workload.kernel-build.source-files=60");
  }

  /** Allocator mutants: phases of nonsensitive then sensitive pressure flip pageblocks both ways. */
  static Variants flips(String allocator) {
    return Variants.of("flip-churn").pick(PluginKind.ALLOCATOR, allocator).memory(128L << 20).cpus(4).seed(5)
        .checkEvery(1);
  }

  /**
   * Flush mutants: processes lose access to pages (close) after migrating away from CPUs that
   * cached them. CR3 writes keep the PCID's entries (NOFLUSH): with the posted code's flushing CR3
   * writes every asi_enter trashes the restricted TLB and hides a missing shootdown.
   */
  static Variants churn(String mapper, String flush) {
    return Variants.of("access-churn").pick(PluginKind.MAPPER, mapper).pick(PluginKind.FLUSH, flush)
        .set("machine.x86.cr3-noflush=true").memory(128L << 20).cpus(4).seed(7).checkEvery(1);
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
  void flipWithoutZeroingIsCaught() {
    caughtAsViolation(flips("mutant-no-zero-on-flip"), flips("pageblock-migratetype"), "zero on flip");
  }

  @Test
  void sensitivePageblockLeftMappedIsCaught() {
    caughtAsViolation(flips("mutant-pageblock-migratetype-left-mapped"), flips("pageblock-migratetype"),
        "allocator consistency: pageblock");
  }

  @Test
  void sensitivePoolBlockLeftMappedIsCaught() {
    caughtAsViolation(flips("mutant-unmapped-pool-left-mapped"), flips("unmapped-pool"),
        "allocator consistency: pool");
  }

  @Test
  void doubleFreeIsCaught() {
    caughtAsViolation(build("mutant-double-free", "ephmap", "mm-global"),
        build("pageblock-migratetype", "ephmap", "mm-global"), "kernel BUG");
  }

  @Test
  void ephmapSkippingRemoteCpusIsCaughtAsStaleAlias() {
    // the CPU that was not flushed later reuses the ephmap slot without INVLPG (the policy's log
    // says it was flushed) and reads the old page through the stale entry
    assertThatThrownBy(() -> run(churn("ephmap", "mutant-mm-global-skip-remote")))
        .isInstanceOf(CheckViolationException.class).hasMessageStartingWith("invariant violated: alias translation");
  }

  @Test
  void ephmapSlotReuseWithoutFlushIsCaught() {
    caughtAsViolation(build("pageblock-migratetype", "mutant-ephmap-reuse-no-flush", "local"),
        build("pageblock-migratetype", "ephmap", "local"), "alias translation");
  }

  @Test
  void leakedVmallocAliasIsCaught() {
    caughtAsViolation(build("pageblock-migratetype", "mutant-vmalloc-leaked-alias", "mm-global"),
        build("pageblock-migratetype", "vmalloc", "mm-global"), "restricted map");
  }

  @Test
  void mmGlobalSkippingRemoteCpusIsCaught() {
    // vmalloc aliases: a missed remote flush stays an exposure (with ephmap the unflushed CPU
    // reuses its slot first and is caught as alias translation, above)
    caughtAsExposure(churn("vmalloc", "mutant-mm-global-skip-remote"), churn("vmalloc", "mm-global"));
  }

  @Test
  void preciseSkippingRemoteCpusIsCaught() {
    caughtAsExposure(churn("vmalloc", "mutant-precise-skip-remote"), churn("vmalloc", "precise"));
  }

  @Test
  void flipWithoutShootdownIsCaught() {
    caughtAsExposure(flips("mutant-no-shootdown-on-flip"), flips("pageblock-migratetype"));
  }
}
