package io.asisim.spark;

import com.google.auto.service.AutoService;
import io.asisim.sim.compare.RunExecutor;
import io.asisim.sim.compare.RunExecutorFactory;
import io.asisim.sim.run.Runner;
import java.util.Map;

/** The {@code spark} engine of {@code compare --engine} ({@link SparkRunExecutor}). */
@AutoService(RunExecutorFactory.class)
public final class SparkEngine implements RunExecutorFactory {
  @Override
  public String name() {
    return "spark";
  }

  @Override
  public RunExecutor create(Runner runner, int threads, Map<String, String> options) {
    return new SparkRunExecutor(runner, threads, options);
  }
}
