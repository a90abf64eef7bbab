package io.asisim.sim.run;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import io.asisim.sim.CheckViolationException;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs variants: one Guice injector per variant, built from the plugins the config selects. */
public final class Runner {
  private static final Logger LOG = LoggerFactory.getLogger(Runner.class);

  private final PluginRegistry registry;

  public Runner(PluginRegistry registry) {
    this.registry = registry;
  }

  /** The plugins this runner selects from. */
  public PluginRegistry registry() {
    return registry;
  }

  /**
   * Checks that every explicitly selected plugin exists, so that a bad name fails before anything
   * runs (defaults are resolved when first used).
   */
  public void validate(VariantConfig config) {
    for (PluginKind kind : config.explicit()) {
      registry.get(kind, config.selected(kind));
    }
  }

  /** Runs {@code config} to completion. */
  public RunResult run(VariantConfig config) {
    return run(config, ProgressListener.NONE);
  }

  /**
   * Runs {@code config} to completion, reporting progress.
   *
   * @throws BadInputException on a bad selection or parameter
   * @throws CheckViolationException when {@code --check} finds a functional violation
   */
  public RunResult run(VariantConfig config, ProgressListener progress) {
    validate(config);
    LOG.debug("variant {} seed {}", config.selection(), config.seed());
    try {
      Injector injector = Guice.createInjector(Stage.DEVELOPMENT, new VariantModule(config, registry));
      return injector.getInstance(Simulation.class).run(progress);
    } catch (ProvisionException | CreationException | ConfigurationException e) {
      throw unwrap(e);
    }
  }

  /** Guice wraps what providers throw; surface our own exceptions unchanged. */
  private static RuntimeException unwrap(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BadInputException || t instanceof CheckViolationException) {
        return (RuntimeException) t;
      }
    }
    if (e instanceof ProvisionException) {
      for (com.google.inject.spi.Message m : ((ProvisionException) e).getErrorMessages()) {
        for (Throwable t = m.getCause(); t != null; t = t.getCause()) {
          if (t instanceof BadInputException || t instanceof CheckViolationException) {
            return (RuntimeException) t;
          }
        }
      }
    }
    return e;
  }
}
