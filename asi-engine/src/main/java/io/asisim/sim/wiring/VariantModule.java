package io.asisim.sim.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Provider;
import com.google.inject.Singleton;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.name.Names;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.Map;

/**
 * The Guice module of one simulated variant: plugin selection, nothing else. For every
 * {@link PluginKind} the discovered plugins are bound into a {@code MapBinder<String, Plugin<?>>}
 * named after the kind, and the kind's SPI type is provided as a singleton built, on first request,
 * from the plugin the config selects. Providers only build: assembly steps with effects on other
 * objects (the allocator taking over page-table pages) are the explicit boot sequence's
 * ({@code io.asisim.sim.run.Boot}). One injector per variant keeps variants independent (own
 * machine, allocator, metrics), so they can run in parallel.
 */
public final class VariantModule extends AbstractModule {
  private static final TypeLiteral<Map<String, Plugin<?>>> MAP_TYPE = new TypeLiteral<>() {};

  private final VariantConfig config;
  private final PluginRegistry registry;

  public VariantModule(VariantConfig config, PluginRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  protected void configure() {
    binder().disableCircularProxies();
    bind(VariantConfig.class).toInstance(config);
    bind(Metrics.class).toInstance(new Metrics());
    bind(BuiltPlugins.class).toInstance(new BuiltPlugins());
    bind(SimContext.class).to(GuiceSimContext.class).in(Singleton.class);
    Provider<SimContext> ctx = getProvider(SimContext.class);
    for (PluginKind kind : PluginKind.values()) {
      MapBinder<String, Plugin<?>> map = MapBinder.newMapBinder(binder(), new TypeLiteral<String>() {},
          new TypeLiteral<Plugin<?>>() {}, Names.named(kind.id()));
      registry.ofKind(kind).forEach((name, plugin) -> map.addBinding(name).toInstance(plugin));
      bindSelected(kind, getProvider(Key.get(MAP_TYPE, Names.named(kind.id()))), ctx);
    }
  }

  @SuppressWarnings("unchecked")
  private <T> void bindSelected(PluginKind kind, Provider<Map<String, Plugin<?>>> bound, Provider<SimContext> ctx) {
    Class<T> type = (Class<T>) kind.type();
    Provider<T> build = () -> type.cast(PluginFactory.create(kind, bound.get(), config, ctx.get()));
    bind(type).toProvider(build).in(Singleton.class);
  }

  /** The plugins bound for {@code kind} in the variant's injector, by name. */
  static Map<String, Plugin<?>> plugins(Injector injector, PluginKind kind) {
    return injector.getInstance(Key.get(MAP_TYPE, Names.named(kind.id())));
  }

  /** The instance the variant's injector provides for {@code kind} (the selected plugin's). */
  static <T> T selected(Injector injector, PluginKind kind, Class<T> type) {
    return type.cast(injector.getInstance(kind.type()));
  }
}
