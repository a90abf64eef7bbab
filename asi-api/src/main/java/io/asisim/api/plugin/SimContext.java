package io.asisim.api.plugin;

import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
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

  /** The selected CPU profile. */
  CpuProfile cpuProfile();

  /** The simulated machine. */
  Machine machine();

  /** The variant's counters. */
  Metrics metrics();

  /** The selected sensitivity classifier. */
  SensitivityClassifier sensitivity();

  /** The selected page allocator. */
  PageAllocator allocator();

  /** The run's seed. */
  long seed();

  /**
   * A random generator for the named stream: the same seed and stream name always give the same
   * sequence, independent of other streams.
   */
  SplittableRandom random(String stream);
}
