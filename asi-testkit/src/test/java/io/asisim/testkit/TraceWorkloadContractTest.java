package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.sim.trace.TraceWorkloadPlugin;
import java.util.Map;

/** The workload contract on {@code trace}, replaying the first events of the repository's lua-build capture. */
class TraceWorkloadContractTest extends WorkloadContract {
  @Override
  protected Plugin<?> plugin() {
    return new TraceWorkloadPlugin();
  }

  @Override
  protected Map<String, String> params() {
    return Map.of("file", "../traces/lua-build.perf.txt.xz", "ops", "3000");
  }
}
