package io.asisim.sim.api;

import io.asisim.sim.BadInputException;
import io.asisim.sim.compare.Comparison;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.ProgressListener;
import io.asisim.sim.run.Runner;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds and runs a comparison ({@code asi-sim compare}): the variants, each run
 * {@link #samples(int)} times at seeds seed, seed+1, ..., and for every distinct machine and
 * workload the {@code --asi off} baseline, which is added automatically. Get one from
 * {@link AsiSim#comparison(String)}.
 */
public final class ComparisonBuilder {
  private final Runner runner;
  private final String title;
  private final List<VariantConfig> variants = new ArrayList<>();
  private int samples = 3;
  private int threads = Runtime.getRuntime().availableProcessors();

  ComparisonBuilder(Runner runner, String title) {
    this.runner = runner;
    this.title = Objects.requireNonNull(title, "title");
  }

  /**
   * Adds a variant (ASI on, or off to show the baseline as a variant of its own).
   *
   * @param v a variant built by the same {@link AsiSim}
   * @return this builder
   */
  public ComparisonBuilder variant(Variant v) {
    variants.add(v.config());
    return this;
  }

  /**
   * Adds several variants, in order.
   *
   * @param vs the variants
   * @return this builder
   */
  public ComparisonBuilder variants(List<Variant> vs) {
    vs.forEach(this::variant);
    return this;
  }

  /**
   * Seeds per variant ({@code --samples}; default 3).
   *
   * @param n 1..1000
   * @return this builder
   */
  public ComparisonBuilder samples(int n) {
    Comparison.checkSamples("samples", n);
    samples = n;
    return this;
  }

  /**
   * Host threads the runs use ({@code --threads}; default: host CPUs). The result does not depend
   * on it.
   *
   * @param n 1..256
   * @return this builder
   */
  public ComparisonBuilder threads(int n) {
    Comparison.checkThreads("threads", n);
    threads = n;
    return this;
  }

  /**
   * Runs every variant and baseline.
   *
   * @return the typed results
   * @throws BadInputException when no variant was added, none has ASI on, or a plugin rejects its
   *     parameters
   */
  public ComparisonOutcome run() {
    if (variants.stream().noneMatch(v -> v.machine().asi())) {
      throw new BadInputException("comparison '" + title + "': add at least one variant with ASI on"
          + " (the --asi off baseline is added automatically)");
    }
    return new ComparisonOutcome(new Comparison(runner, threads).run(title, variants, samples, ProgressListener.NONE));
  }
}
