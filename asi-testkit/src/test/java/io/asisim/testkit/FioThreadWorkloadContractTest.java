package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.sim.workload.FioRandReadPlugin;
import java.util.Map;

/** The workload contract on {@code fio-randread} with {@code thread=true}: the jobs share one mm on several CPUs. */
class FioThreadWorkloadContractTest extends WorkloadContract {
  @Override
  protected Plugin<?> plugin() {
    return new FioRandReadPlugin();
  }

  @Override
  protected Map<String, String> params() {
    return Map.of("thread", "true");
  }
}
