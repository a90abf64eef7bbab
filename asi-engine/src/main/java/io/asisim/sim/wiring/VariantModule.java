package io.asisim.sim.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.name.Names;
import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.kernel.Workload;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.Machine;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.api.trace.TraceFormat;

/**
 * The Guice module of one simulated variant. Every discovered plugin is bound into a
 * {@code MapBinder<String, Plugin<?>>} named after its kind; each SPI type is provided as a
 * singleton built from the plugin the config selects for that kind. One injector per variant keeps
 * variants independent (own machine, allocator, metrics), so they can run in parallel.
 */
public final class VariantModule extends AbstractModule {
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
    bind(SimContext.class).to(GuiceSimContext.class).in(Singleton.class);
    for (PluginKind kind : PluginKind.values()) {
      MapBinder<String, Plugin<?>> map = MapBinder.newMapBinder(binder(), new com.google.inject.TypeLiteral<String>() {},
          new com.google.inject.TypeLiteral<Plugin<?>>() {}, Names.named(kind.id()));
      registry.ofKind(kind).forEach((name, plugin) -> map.addBinding(name).toInstance(plugin));
    }
    install(new MachineModule());
  }

  @Provides
  @Singleton
  CpuProfile cpuProfile(PluginFactory f) {
    return f.create(PluginKind.CPU_PROFILE, CpuProfile.class);
  }

  @Provides
  @Singleton
  SensitivityClassifier sensitivity(PluginFactory f) {
    return f.create(PluginKind.SENSITIVITY, SensitivityClassifier.class);
  }

  @Provides
  @Singleton
  PageAllocator allocator(PluginFactory f, Machine machine) {
    PageAllocator a = f.create(PluginKind.ALLOCATOR, PageAllocator.class);
    machine.setTablePageSource(new AllocatorTablePages(a)); // from now on page tables come from the buddy
    return a;
  }

  @Provides
  @Singleton
  Mapper mapper(PluginFactory f) {
    return f.create(PluginKind.MAPPER, Mapper.class);
  }

  @Provides
  @Singleton
  FlushPolicy flush(PluginFactory f) {
    return f.create(PluginKind.FLUSH, FlushPolicy.class);
  }

  @Provides
  @Singleton
  ContextSwitchPolicy contextSwitch(PluginFactory f) {
    return f.create(PluginKind.CONTEXT_SWITCH, ContextSwitchPolicy.class);
  }

  @Provides
  @Singleton
  Workload workload(PluginFactory f) {
    return f.create(PluginKind.WORKLOAD, Workload.class);
  }

  @Provides
  @Singleton
  TraceFormat traceFormat(PluginFactory f) {
    return f.create(PluginKind.TRACE_FORMAT, TraceFormat.class);
  }
}
