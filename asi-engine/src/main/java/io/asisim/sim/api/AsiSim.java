package io.asisim.sim.api;

import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;

/**
 * The entry point for using asi-sim from Java: the plugins found on the class path, variants built
 * against them, single runs and comparisons with typed results. One instance may be shared by
 * threads; each run has its own simulated machine.
 *
 * <pre>{@code
 * AsiSim sim = AsiSim.discover();
 * ComparisonOutcome out = sim.comparison("flush policies")
 *     .variant(sim.variant("fio-randread").plugin(PluginKind.FLUSH, "mm-global").cpus(4).memory("512M").build())
 *     .variant(sim.variant("fio-randread").plugin(PluginKind.FLUSH, "precise").cpus(4).memory("512M").build())
 *     .samples(3)
 *     .run();
 * double ipis = out.metric("tlb_shootdown_ipis").row("flush=precise").stats().mean();
 * }</pre>
 */
public final class AsiSim {
  private final Runner runner;

  private AsiSim(PluginRegistry registry) {
    this.runner = new Runner(registry);
  }

  /**
   * The plugins visible to the thread's context class loader (the built-in ones plus any plugin
   * jar on the class path).
   *
   * @return an instance over those plugins
   * @throws io.asisim.sim.BadInputException when two plugins of one kind share a name or one cannot
   *     be loaded
   */
  public static AsiSim discover() {
    return new AsiSim(PluginRegistry.discover());
  }

  /**
   * The plugins visible to {@code loader}.
   *
   * @param loader where to look for plugins ({@link java.util.ServiceLoader})
   * @return an instance over those plugins
   */
  public static AsiSim discover(ClassLoader loader) {
    return new AsiSim(PluginRegistry.discover(loader));
  }

  /**
   * The plugins this instance selects from.
   *
   * @return the registry
   */
  public PluginRegistry registry() {
    return runner.registry();
  }

  /**
   * A builder for a variant running {@code workload}, otherwise with {@code run}'s defaults.
   *
   * @param workload a workload plugin's name, e.g. {@code kernel-build}
   * @return a builder
   */
  public Variant.Builder variant(String workload) {
    return new Variant.Builder(registry()).workload(workload);
  }

  /**
   * Runs one variant to completion.
   *
   * @param variant the variant
   * @return every metric the run reported
   * @throws io.asisim.sim.BadInputException when a plugin rejects its parameters
   * @throws io.asisim.sim.CheckViolationException when checking finds a functional violation
   */
  public RunResult run(Variant variant) {
    return runner.run(variant.config());
  }

  /**
   * A builder for a comparison: its variants, each run {@code samples} times, against the
   * {@code --asi off} baseline, as {@code asi-sim compare} runs them.
   *
   * @param title what is compared (reports print it)
   * @return a builder
   */
  public ComparisonBuilder comparison(String title) {
    return new ComparisonBuilder(runner, title);
  }

  /**
   * Every metric a run with these plugins can report, with unit, direction and meaning.
   *
   * @return the glossary
   */
  public MetricGlossary glossary() {
    return MetricGlossary.of(registry());
  }

  /**
   * Which build this is (also the {@code tool_version} and {@code git_commit} of the CLI's JSON).
   *
   * @return version and commit
   */
  public static BuildInfo build() {
    return BuildInfo.current();
  }
}
