package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.sim.workload.AllocStressPlugin;

/** The workload contract on {@code alloc-stress}. */
class AllocStressWorkloadContractTest extends WorkloadContract {
  @Override
  protected Plugin<?> plugin() {
    return new AllocStressPlugin();
  }
}
