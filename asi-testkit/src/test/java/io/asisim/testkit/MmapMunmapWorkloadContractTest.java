package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.sim.workload.MmapMunmapPlugin;
import java.util.Map;

/** The workload contract on {@code mmap-munmap}, with its spinning second thread (an mm on two CPUs). */
class MmapMunmapWorkloadContractTest extends WorkloadContract {
  @Override
  protected Plugin<?> plugin() {
    return new MmapMunmapPlugin();
  }

  @Override
  protected Map<String, String> params() {
    return Map.of("ops", "300", "pages", "3", "spinner", "true");
  }
}
