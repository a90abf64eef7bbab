package io.asisim.sim.check;

import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.plugin.SimContext;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/** A {@link SimContext} that hands a plugin a broken machine and/or flush policy. */
final class ForwardingContext implements SimContext {
  private final SimContext c;
  private final UnaryOperator<Machine> machine;
  private final UnaryOperator<FlushPolicy> flush;
  private Machine m;
  private FlushPolicy f;

  ForwardingContext(SimContext c, UnaryOperator<Machine> machine, UnaryOperator<FlushPolicy> flush) {
    this.c = c;
    this.machine = machine;
    this.flush = flush;
  }

  @Override public MachineConfig machineConfig() { return c.machineConfig(); }
  @Override public CpuProfile cpuProfile() { return c.cpuProfile(); }
  @Override public Machine machine() {
    if (m == null) {
      m = machine.apply(c.machine());
    }
    return m;
  }
  @Override public Metrics metrics() { return c.metrics(); }
  @Override public SensitivityClassifier sensitivity() { return c.sensitivity(); }
  @Override public PageAllocator allocator() { return c.allocator(); }
  @Override public FlushPolicy flushPolicy() {
    if (f == null) {
      f = flush.apply(c.flushPolicy());
    }
    return f;
  }
  @Override public long seed() { return c.seed(); }
  @Override public SplittableRandom random(String stream) { return c.random(stream); }
}
