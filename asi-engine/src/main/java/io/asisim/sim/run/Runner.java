package io.asisim.sim.run;

import com.google.inject.ProvisionException;
import io.asisim.api.kernel.Workload;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import io.asisim.sim.CheckViolationException;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs variants: each is booted ({@link Boot}) from the plugins the config selects, then simulated. */
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
      return new Simulation(Boot.boot(config, registry)).run(progress);
    } catch (ProvisionException e) {
      throw Boot.unwrap(e); // a policy plugin the kernel built on first use rejected its parameters
    }
  }

  /**
   * Boots the variant and hands its page allocator to {@code inspector}: right after boot when
   * {@code runWorkload} is false, else after the workload's last op (before its tear-down).
   */
  public void inspect(VariantConfig config, boolean runWorkload, Consumer<PageAllocator> inspector) {
    inspect(config, runWorkload, (a, w) -> inspector.accept(a));
  }

  /** The same, handing the inspector the workload too (its own models, such as a replay's slab caches). */
  public void inspect(VariantConfig config, boolean runWorkload, BiConsumer<PageAllocator, Workload> inspector) {
    inspectVariant(config, runWorkload, v -> inspector.accept(v.allocator(), v.workload()));
  }

  /** The same, handing the inspector the whole booted variant (the simulated kernel's slab caches, ...). */
  public void inspectVariant(VariantConfig config, boolean runWorkload, Consumer<BootedVariant> inspector) {
    inspectVariant(config, runWorkload, null, inspector);
  }

  /**
   * The same, calling {@code during} with the booted variant and the ops done so far at each of
   * about 200 evenly spaced points of the workload's ops (its progress reports: every
   * {@code max(1, ops / 200)} ops).
   */
  public void inspectVariant(VariantConfig config, boolean runWorkload,
      java.util.function.BiConsumer<BootedVariant, Long> during, Consumer<BootedVariant> inspector) {
    validate(config);
    BootedVariant v = Boot.boot(config, registry);
    if (!runWorkload) {
      inspector.accept(v);
      return;
    }
    try {
      ProgressListener progress = during == null ? ProgressListener.NONE : (done, total) -> during.accept(v, done);
      new Simulation(v).run(progress, a -> inspector.accept(v));
    } catch (ProvisionException e) {
      throw Boot.unwrap(e);
    }
  }
}
