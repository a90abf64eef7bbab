package io.asisim.sim.compare;

import io.asisim.sim.run.Runner;
import java.util.Map;

/**
 * A named way to execute a comparison's runs ({@code compare --engine NAME}, docs/sweeps.md),
 * found with {@link java.util.ServiceLoader} so that an engine with heavy dependencies (Apache
 * Spark: module asi-spark) is on the classpath only when it is used. The built-in {@code local}
 * engine ({@link LocalRunExecutor}) needs no factory.
 */
public interface RunExecutorFactory {
  /** The engine's stable name, e.g. {@code spark}. */
  String name();

  /**
   * An executor for one comparison.
   *
   * @param runner the driver's runner (its registry is the plugin set runs must find everywhere)
   * @param threads {@code --threads}
   * @param options the engine's options from the command line, e.g. {@code master -> local[2]}
   */
  RunExecutor create(Runner runner, int threads, Map<String, String> options);
}
