package io.asisim.sim.wiring;

import com.google.inject.Inject;
import com.google.inject.Injector;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.config.VariantConfig;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@link SimContext} backed by the variant's injector; every selected plugin is built on first
 * request (the typed accessors are {@link #selected} of their kind).
 */
final class GuiceSimContext implements SimContext {
  private final VariantConfig config;
  private final Metrics metrics;
  private final Injector injector;

  @Inject
  GuiceSimContext(VariantConfig config, Metrics metrics, Injector injector) {
    this.config = config;
    this.metrics = metrics;
    this.injector = injector;
  }

  /** The plugins this variant has built, for blaming a failure on one ({@link BuiltPlugins#blame}). */
  BuiltPlugins builtPlugins() {
    return injector.getInstance(BuiltPlugins.class);
  }

  @Override
  public MachineConfig machineConfig() {
    return config.machine();
  }

  @Override
  public CpuProfile cpuProfile() {
    return selected(PluginKind.CPU_PROFILE, CpuProfile.class);
  }

  @Override
  public Machine machine() {
    return selected(PluginKind.MACHINE, Machine.class);
  }

  @Override
  public Metrics metrics() {
    return metrics;
  }

  @Override
  public SensitivityClassifier sensitivity() {
    return selected(PluginKind.SENSITIVITY, SensitivityClassifier.class);
  }

  @Override
  public PageAllocator allocator() {
    return selected(PluginKind.ALLOCATOR, PageAllocator.class);
  }

  @Override
  public FlushPolicy flushPolicy() {
    return selected(PluginKind.FLUSH, FlushPolicy.class);
  }

  @Override
  public <T> T selected(PluginKind kind, Class<T> type) {
    return VariantModule.selected(injector, kind, type);
  }

  @Override
  public Map<String, Plugin<?>> plugins(PluginKind kind) {
    return VariantModule.plugins(injector, kind);
  }

  @Override
  public String selectedName(PluginKind kind, String role) {
    return kind == PluginKind.MAPPER ? config.mapperFor(role) : config.selected(kind);
  }

  @Override
  public <T> T build(PluginKind kind, String name, Class<T> type) {
    return type.cast(PluginFactory.create(kind, name, plugins(kind), config, this));
  }

  @Override
  public long seed() {
    return config.seed();
  }

  @Override
  public SplittableRandom random(String stream) {
    return Seeds.stream(config.seed(), stream);
  }
}
