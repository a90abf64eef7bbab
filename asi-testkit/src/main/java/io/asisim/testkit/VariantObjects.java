package io.asisim.testkit;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;

/**
 * The object graph of one variant, built by the engine's Guice wiring but not run: a contract
 * takes the machine, allocator, classifier or policy it tests from here and drives it by hand. The
 * injector only builds: wiring steps of the boot (the allocator taking over page-table pages,
 * {@link io.asisim.sim.run.Boot#handOverPageTables}) are the caller's.
 */
public final class VariantObjects {
  private final Injector injector;

  /** Builds (lazily) the objects of {@code config} from {@code registry}. */
  public VariantObjects(VariantConfig config, PluginRegistry registry) {
    this.injector = Guice.createInjector(Stage.DEVELOPMENT, new VariantModule(config, registry));
  }

  /** The variant's instance of {@code type}, e.g. {@code PageAllocator.class} or {@code Metrics.class}. */
  public <T> T get(Class<T> type) {
    return injector.getInstance(type);
  }
}
