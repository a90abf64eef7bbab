package io.asisim.sim.wiring;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.config.VariantConfig;
import java.util.SplittableRandom;

/** {@link SimContext} backed by the variant's injector; everything is built on first request. */
final class GuiceSimContext implements SimContext {
  private final VariantConfig config;
  private final Provider<CpuProfile> cpuProfile;
  private final Provider<Machine> machine;
  private final Provider<Metrics> metrics;
  private final Provider<SensitivityClassifier> sensitivity;
  private final Provider<PageAllocator> allocator;

  @Inject
  GuiceSimContext(VariantConfig config, Provider<CpuProfile> cpuProfile, Provider<Machine> machine, Provider<Metrics> metrics,
      Provider<SensitivityClassifier> sensitivity, Provider<PageAllocator> allocator) {
    this.config = config;
    this.cpuProfile = cpuProfile;
    this.machine = machine;
    this.metrics = metrics;
    this.sensitivity = sensitivity;
    this.allocator = allocator;
  }

  @Override
  public MachineConfig machineConfig() {
    return config.machine();
  }

  @Override
  public CpuProfile cpuProfile() {
    return cpuProfile.get();
  }

  @Override
  public Machine machine() {
    return machine.get();
  }

  @Override
  public Metrics metrics() {
    return metrics.get();
  }

  @Override
  public SensitivityClassifier sensitivity() {
    return sensitivity.get();
  }

  @Override
  public PageAllocator allocator() {
    return allocator.get();
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
