package io.asisim.cli;

import io.asisim.sim.BadInputException;
import io.asisim.sim.compare.LocalRunExecutor;
import io.asisim.sim.compare.RunExecutor;
import io.asisim.sim.compare.RunExecutorFactory;
import io.asisim.sim.run.Runner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * {@code compare --engine NAME}: {@code local}, or a {@link RunExecutorFactory} found on the
 * classpath (the Spark engine is module asi-spark; the launcher does not build it, so that a new
 * user does not download Spark: docs/sweeps.md).
 */
final class Engines {
  static final String LOCAL = "local";

  private Engines() {}

  static RunExecutor create(String name, Runner runner, int threads, Map<String, String> options) {
    if (name.equals(LOCAL)) {
      return new LocalRunExecutor(runner, threads);
    }
    List<String> names = new ArrayList<>(List.of(LOCAL));
    for (RunExecutorFactory f : ServiceLoader.load(RunExecutorFactory.class, Thread.currentThread().getContextClassLoader())) {
      if (f.name().equals(name)) {
        return f.create(runner, threads, options);
      }
      names.add(f.name());
    }
    throw new BadInputException("--engine " + name + ": not on the classpath (valid here: " + String.join(", ", names)
        + ")" + (name.equals("spark") ? "; build module asi-spark and add it with ASI_SIM_CLASSPATH (docs/sweeps.md)" : ""));
  }
}
