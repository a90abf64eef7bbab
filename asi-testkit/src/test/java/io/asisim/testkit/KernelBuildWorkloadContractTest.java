package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.sim.workload.KernelBuildPlugin;

/** The workload contract on {@code kernel-build}. */
class KernelBuildWorkloadContractTest extends WorkloadContract {
  @Override
  protected Plugin<?> plugin() {
    return new KernelBuildPlugin();
  }
}
