package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.sim.workload.FioRandReadPlugin;

/** The workload contract on {@code fio-randread}. */
class FioRandReadWorkloadContractTest extends WorkloadContract {
  @Override
  protected Plugin<?> plugin() {
    return new FioRandReadPlugin();
  }
}
