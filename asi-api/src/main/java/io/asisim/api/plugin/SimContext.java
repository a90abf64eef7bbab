package io.asisim.api.plugin;

import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.SensitivityClassifier;
import java.util.SplittableRandom;

/**
 * The variant a plugin is being built into: the machine and the other selected plugins. Objects are
 * built on first request, so a plugin may only ask for what does not (transitively) need itself.
 */
public interface SimContext {

  /** Memory, CPU count and whether ASI is on. */
  MachineConfig machineConfig();

  /** The selected CPU profile (the runtime builds it before the machine, which needs it). */
  default CpuProfile cpuProfile() {
    return machine().profile();
  }

  /** The simulated machine. */
  Machine machine();

  /** The variant's counters. */
  Metrics metrics();

  /** The selected sensitivity classifier. */
  SensitivityClassifier sensitivity();

  /** The selected page allocator. */
  PageAllocator allocator();

  /**
   * The selected TLB flush policy. Mappers call it on every map and unmap, so a mapper plugin asks
   * for it in {@code create}; the flush policy must not ask for the mapper.
   */
  default FlushPolicy flushPolicy() {
    throw new UnsupportedOperationException("this SimContext provides no flush policy");
  }

  /**
   * The selected plugin of any kind, built on first request: how a plugin reaches a kind that has no
   * typed accessor here (a kind added to {@link PluginKind} needs no new method).
   *
   * @throws ClassCastException when {@code type} is not {@link PluginKind#type()} of {@code kind}
   */
  default <T> T selected(PluginKind kind, Class<T> type) {
    throw new UnsupportedOperationException("this SimContext provides no " + kind.id());
  }

  /**
   * Every plugin of {@code kind} this variant can select from, by name: for a plugin that picks
   * among others itself (the trace workload sniffing its trace format).
   */
  default java.util.Map<String, Plugin<?>> plugins(PluginKind kind) {
    throw new UnsupportedOperationException("this SimContext lists no " + kind.id() + " plugins");
  }

  /**
   * The name of the plugin of {@code kind} the variant selects for {@code role}, a part of the
   * kernel that may use another plugin of the kind than the rest (a kernel access site for mappers:
   * {@code --site-mapper zeroing=ephmap}); the kind's selection when the variant names none.
   */
  default String selectedName(PluginKind kind, String role) {
    throw new UnsupportedOperationException("this SimContext names no " + kind.id() + " per role");
  }

  /**
   * A new instance of plugin {@code name} of {@code kind}, with the variant's parameters for it:
   * for a kind the kernel uses several of at once (a mapper per access site). The selected instance
   * stays {@link #selected}'s.
   */
  default <T> T build(PluginKind kind, String name, Class<T> type) {
    throw new UnsupportedOperationException("this SimContext builds no " + kind.id());
  }

  /** The run's seed. */
  long seed();

  /**
   * A random generator for the named stream: the same seed and stream name always give the same
   * sequence, independent of other streams.
   */
  SplittableRandom random(String stream);
}
