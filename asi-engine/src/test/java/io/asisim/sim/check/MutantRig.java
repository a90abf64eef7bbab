package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.sim.CheckViolationException;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;

/**
 * How the mutation tests judge a mutant ({@link MutationTest}, {@link PathMutationTest}): the unbroken
 * plugin on the same config and seed is clean, and the mutant is caught — a functional violation
 * naming the invariant, or leak exposures where the unbroken plugin shows none.
 */
record MutantRig(PluginRegistry registry, Runner runner) {
  MutantRig(PluginRegistry registry) {
    this(registry, new Runner(registry));
  }

  RunResult run(Variants v) {
    return runner.run(v.build(registry));
  }

  void caughtAsViolation(Variants broken, Variants correct, String invariant) {
    assertThat(run(correct).get("invariant_violations")).isZero();
    assertThatThrownBy(() -> run(broken)).isInstanceOf(CheckViolationException.class)
        .hasMessageStartingWith("invariant violated: " + invariant).hasMessageContaining("sim time");
  }

  void caughtAsExposure(Variants broken, Variants correct) {
    RunResult ok = run(correct);
    assertThat(ok.get("invariant_violations")).isZero();
    assertThat(ok.get("leak_exposures")).as("the unbroken policy exposes nothing").isZero();
    RunResult bad = run(broken);
    assertThat(bad.get("leak_exposures")).as("exposures of the mutant").isPositive();
    assertThat(bad.get("leak_exposure_cycles")).isPositive();
  }
}
