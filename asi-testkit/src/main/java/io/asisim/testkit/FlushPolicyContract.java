package io.asisim.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.RunResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract of a TLB flush policy (kind {@code flush}, docs/contracts.md), run with real mappers on
 * the simulated x86 machine:
 * <ul>
 *   <li>functional, every policy: a per-CPU slot reused by a mapper never reads the frame of an
 *       earlier alias ({@link io.asisim.api.mapper.FlushPolicy#beforeReuse} is honoured);
 *   <li>security, a policy that {@link #claimsSecure() claims} it: once a process loses logical
 *       access to a page (close, exit), no CPU can reach the page through a stale or live alias
 *       while restricted — in the migration scenario of issue 5, when another thread of the process
 *       (the same mm on another CPU) closes the page, and at every step of random process lives, for
 *       every mapper of {@link #mappers()};
 *   <li>determinism: the same seed gives the same counters, in a scenario and end to end;
 *   <li>end to end: {@code fio-randread} and {@code kernel-build} run with the checker on.
 * </ul>
 * Extend it, name the plugin, and say honestly whether it claims to be secure.
 */
public abstract class FlushPolicyContract extends PluginContract {

  /** Whether the policy claims that no leak exposure can remain after access is lost. */
  protected abstract boolean claimsSecure();

  /** The mappers the policy is exercised with (those that create aliases, and {@code exit}). */
  protected List<String> mappers() {
    return List.of("ephmap", "kmap-local", "mermap", "vmalloc", "exit");
  }

  /** Random steps per mapper in the scenario tests. */
  protected long scenarioSteps() {
    return 1500;
  }

  @Override
  protected final PluginKind expectedKind() {
    return PluginKind.FLUSH;
  }

  /** A 3-CPU, 128 MiB variant with this policy and {@code mapper}. */
  protected VariantConfig variant(String mapper, long seed) {
    return TestVariants.builder().cpus(3).memory(128L << 20).seed(seed)
        .select(PluginKind.FLUSH, plugin().name()).setAll(PluginKind.FLUSH, plugin().name(), params())
        .select(PluginKind.MAPPER, mapper).build();
  }

  /** A rig with a 64-page file. */
  protected ScenarioRig rig(String mapper, long seed) {
    return new ScenarioRig(variant(mapper, seed), registry(), 64);
  }

  @Test
  void reusedSlotsNeverReadAnEarlierAliasFrame() {
    for (String m : mappers()) {
      ScenarioRig rig = rig(m, 1);
      RandomScenario.Stats s = new RandomScenario(rig, 11, 4).run(scenarioSteps(), (i, w) -> {});
      assertThat(s.reads()).as(m + ": reads happened").isPositive();
      assertThat(s.wrongFrames()).as(m + ": reads that returned another frame than the page read").isZero();
    }
  }

  /**
   * Issue 5's scenario: A reads F on CPU 0, migrates to CPU 1 (CPU 0 idles with A loaded), closes
   * F on CPU 1, and F becomes another process's data. Nothing may reach F restricted any more.
   */
  @Test
  void securePolicyLeavesNothingAfterMigrateAndClose() {
    assumeTrue(claimsSecure(), "the policy does not claim to be secure");
    for (String m : mappers()) {
      ScenarioRig rig = rig(m, 1);
      long a = rig.process();
      rig.open(a, 0);
      rig.run(0, a);
      assertThat(rig.read(0, 0)).isEqualTo(rig.filePfn(0));
      rig.run(1, a);
      assertThat(rig.exposures()).as(m + ": A may still read F: " + rig.lastExposures()).isZero();
      rig.close(1, 0);
      long b = rig.process();
      rig.open(b, 0);
      assertThat(rig.exposures()).as(m + ": exposures after close " + rig.lastExposures()).isZero();
      rig.run(1, b);
      assertThat(rig.exposures()).as(m + ": exposures after B runs " + rig.lastExposures()).isZero();
    }
  }

  /**
   * Threads: two tasks of one process run on CPUs 0 and 1 at once (one mm on two CPUs); the one on
   * CPU 1 reads F, the one on CPU 0 closes it. The process loses access while CPU 1 still runs it:
   * nothing may reach F restricted, on CPU 1 least of all.
   */
  @Test
  void securePolicyLeavesNothingWhenAnotherThreadCloses() {
    assumeTrue(claimsSecure(), "the policy does not claim to be secure");
    for (String m : mappers()) {
      ScenarioRig rig = rig(m, 1);
      anotherThreadCloses(rig);
      assertThat(rig.exposures()).as(m + ": exposures after another thread's close " + rig.lastExposures()).isZero();
    }
  }

  /**
   * The threaded scenario's steps on a fresh rig: process A on CPUs 0 and 1, CPU 1 reads file page
   * 0 (checked to read its frame), CPU 0 closes it.
   */
  static void anotherThreadCloses(ScenarioRig rig) {
    long a = rig.process();
    rig.open(a, 0);
    rig.run(0, a);
    rig.run(1, a);
    assertThat(rig.read(1, 0)).isEqualTo(rig.filePfn(0));
    assertThat(rig.exposures()).as("the process may still read the page").isZero();
    rig.close(0, 0);
  }

  @Test
  void securePolicyNeverExposesAPageInRandomLives() {
    assumeTrue(claimsSecure(), "the policy does not claim to be secure");
    for (String m : mappers()) {
      ScenarioRig rig = rig(m, 2);
      RandomScenario.Stats s = new RandomScenario(rig, 22, 4).run(scenarioSteps(), (step, what) -> {
        int n = rig.exposures();
        if (n != 0) {
          throw new AssertionError(m + ": after step " + step + " (" + what + "): " + n + " exposed (cpu:pfn) "
              + rig.lastExposures());
        }
      });
      assertThat(s.closes()).as(m + ": access was lost").isPositive();
    }
  }

  @Test
  void sameSeedGivesTheSameCounters() {
    for (String m : mappers()) {
      Map<String, Long> a = scenarioCounters(m);
      assertThat(scenarioCounters(m)).as(m).isEqualTo(a);
    }
    VariantConfig fio = endToEnd("fio-randread", "ephmap", 0);
    assertThat(Runs.run(registry(), fio).metrics()).isEqualTo(Runs.run(registry(), fio).metrics());
  }

  private Map<String, Long> scenarioCounters(String mapper) {
    ScenarioRig rig = rig(mapper, 3);
    new RandomScenario(rig, 33, 3).run(scenarioSteps() / 3, (i, w) -> {});
    return rig.snapshot();
  }

  /** A small end-to-end run of {@code workload} with this policy. */
  protected VariantConfig endToEnd(String workload, String mapper, long checkEvery) {
    TestVariants.Builder b = TestVariants.builder().cpus(4).memory(512L << 20).checkEvery(checkEvery)
        .select(PluginKind.FLUSH, plugin().name()).setAll(PluginKind.FLUSH, plugin().name(), params())
        .select(PluginKind.MAPPER, mapper).select(PluginKind.WORKLOAD, workload);
    return Workloads.small(b, workload).build();
  }

  @Test
  void runsWorkloadsEndToEndWithTheChecker() {
    for (String w : List.of("fio-randread", "kernel-build")) {
      for (String m : List.of("ephmap", "vmalloc")) {
        RunResult r = Runs.run(registry(), endToEnd(w, m, 50));
        assertThat(r.get("ops")).as(w + "/" + m).isPositive();
        assertThat(r.get("invariant_violations")).as(w + "/" + m).isZero();
        if (claimsSecure()) {
          assertThat(r.get("leak_exposures")).as(w + "/" + m + ": leak_exposures of a secure policy").isZero();
        }
      }
    }
  }
}
