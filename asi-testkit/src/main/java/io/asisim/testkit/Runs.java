package io.asisim.testkit;

import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;

/** Runs whole variants for contracts, through the engine's {@link Runner}. */
public final class Runs {
  private Runs() {}

  /** Runs {@code config} to completion with the plugins of {@code registry}. */
  public static RunResult run(PluginRegistry registry, VariantConfig config) {
    return new Runner(registry).run(config);
  }
}
