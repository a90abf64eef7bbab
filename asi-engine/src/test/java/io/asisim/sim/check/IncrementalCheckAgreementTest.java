package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.CheckViolationException;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The incremental checks find what the full checks find, at the same op (docs/checker.md,
 * "Incremental checking"): every mutant of {@link MutationTest} and {@link PathMutationTest} caught
 * as a violation is run twice
 * on the same config and seed, once with every check full ({@code --check-full-every 1}) and once
 * with every check between set-up and tear-down incremental, and both runs must end with the same
 * message — the same invariant, the same frame or address, the same op and sim time. Mutants caught
 * as exposures, and the unbroken plugins, must give identical metrics both ways (the checker only
 * reads). The per-op comparison on randomized runs of the shipped plugins is
 * {@code io.asisim.sim.run.CheckModeAgreementTest}.
 */
class IncrementalCheckAgreementTest {
  private static final PluginRegistry REG = Registries.with(Mutants.noZeroOnFlip(),
      Mutants.sensitiveLeftMapped("pageblock-migratetype"), Mutants.sensitiveLeftMapped("unmapped-pool"),
      Mutants.noShootdownOnFlip(), Mutants.doubleFree(), Mutants.skipRemote("mm-global"), Mutants.skipRemote("precise"),
      Mutants.ephmapReuseWithoutFlush(), Mutants.vmallocLeakedAlias(), PathMutants.poolShrinkWithoutZeroing(),
      PathMutants.putKeepsPte("kmap-local"), PathMutants.putKeepsPte("mermap"), PathMutants.putKeepsPte("ephmap"),
      PathMutants.kernelFlushOnePcid("mm-global"), PathMutants.kernelFlushLoadedAsidOnly("precise"),
      PathMutants.cowSharesInsteadOfCopying(), TestWorkloads.accessChurn(), TestWorkloads.flipChurn());
  private static final Runner RUNNER = new Runner(REG);

  // MutationTest's configurations: the same mutants on the same configs and seeds
  private static Variants build(String allocator, String mapper, String flush) {
    return MutationTest.build(allocator, mapper, flush);
  }

  private static Variants flips(String allocator) {
    return MutationTest.flips(allocator);
  }

  private static Variants churn(String mapper, String flush) {
    return MutationTest.churn(mapper, flush);
  }

  /** The run's outcome: its violation message, or its metrics. */
  private static Object outcome(Variants v, long fullEvery) {
    VariantConfig c = v.build(REG).withCheckFullEvery(fullEvery);
    try {
      RunResult r = RUNNER.run(c);
      return r.metrics();
    } catch (CheckViolationException e) {
      return e.getMessage();
    }
  }

  private static void agree(Variants v, boolean violates) {
    Object full = outcome(v, 1);
    Object incremental = outcome(v, Long.MAX_VALUE);
    assertThat(full instanceof String).as("the full checks report a violation").isEqualTo(violates);
    assertThat(incremental).isEqualTo(full);
  }

  @Test
  void allocatorMutantsAreCaughtAtTheSameOpWithTheSameMessage() {
    agree(flips("mutant-no-zero-on-flip"), true);
    agree(flips("mutant-pageblock-migratetype-left-mapped"), true);
    agree(flips("mutant-unmapped-pool-left-mapped"), true);
    agree(build("mutant-double-free", "ephmap", "mm-global"), true);
    agree(flips("mutant-no-shootdown-on-flip"), false);
    agree(flips("mutant-pool-shrink-no-zero"), true);
  }

  @Test
  void mapperAndFlushMutantsAreCaughtAtTheSameOpWithTheSameMessage() {
    agree(churn("ephmap", "mutant-mm-global-skip-remote"), true);
    agree(build("pageblock-migratetype", "mutant-ephmap-reuse-no-flush", "local"), true);
    agree(build("pageblock-migratetype", "mutant-vmalloc-leaked-alias", "mm-global"), true);
    agree(churn("vmalloc", "mutant-mm-global-skip-remote"), false);
    agree(churn("vmalloc", "mutant-precise-skip-remote"), false);
    agree(churn("kmap-local", "mutant-mm-global-kernel-one-pcid"), false);
    agree(churn("kmap-local", "mutant-precise-kernel-loaded-asid-only"), false);
    for (String mapper : List.of("kmap-local", "mermap", "ephmap")) {
      String m = "mutant-" + mapper + "-put-keeps-pte";
      Variants v = churn(m, "mm-global").set("workload.access-churn.ops=800");
      agree(mapper.equals("mermap") ? v.set("mapper." + m + ".region-pages=32") : v, true);
    }
  }

  @Test
  void copyOnWriteThatSharesIsCaughtAtTheSameOpWithTheSameMessage() {
    agree(build("pageblock-migratetype", "ephmap", "mm-global").pick(PluginKind.MACHINE, "mutant-x86-cow-shares"), true);
    // with ASI off the machine logs the user PTEs alone, and the rule runs incrementally all the same
    agree(build("pageblock-migratetype", "ephmap", "mm-global").asi(false)
        .pick(PluginKind.MACHINE, "mutant-x86-cow-shares"), true);
  }

  @Test
  void unbrokenPluginsGiveTheSameMetricsBothWays() {
    for (String allocator : List.of("pageblock-migratetype", "unmapped-pool")) {
      agree(flips(allocator), false);
      agree(build(allocator, "ephmap", "mm-global"), false);
    }
    agree(churn("vmalloc", "precise"), false);
  }
}
