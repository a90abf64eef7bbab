package io.asisim.bench.e2e;

import io.asisim.api.kernel.Workload;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.kernel.SimKernel;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Boot;
import io.asisim.sim.run.BootedVariant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One {@code fio-randread} op (a {@code pread()} of a random page-cache page plus fio's user time)
 * on the CLI's default machine (16 GiB, 8 CPUs), booted and set up once per trial: the marginal
 * cost per simulated read that {@code asi-sim run --workload fio-randread} pays, without boot,
 * set-up or the exposure scans between ops. Scores are simulated reads per host second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FioOpBench {
  static final int BATCH = 1000;

  /** The mapper ({@code off}: the {@code --asi off} baseline with the buddy allocator). */
  @Param({"ephmap", "exit", "off"})
  public String mapper;

  private SimKernel kernel;
  private Workload workload;
  private long index;

  @Setup
  public void setUp() {
    PluginRegistry registry = PluginRegistry.discover();
    boolean asi = !mapper.equals("off");
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    if (asi) {
      sel.put(PluginKind.MAPPER, mapper);
    } else {
      sel.put(PluginKind.ALLOCATOR, VariantConfig.ASI_OFF_ALLOCATOR);
    }
    VariantConfig config = new VariantConfig(new MachineConfig(16L << 30, 8, asi), sel, sel.keySet(),
        Settings.parse(List.of("workload.fio-randread.ops=" + Long.MAX_VALUE), registry), 1, 0);
    BootedVariant v = Boot.boot(config, registry);
    kernel = v.kernel();
    workload = v.workload();
    workload.setUp(kernel);
  }

  /** {@value #BATCH} reads. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long read() {
    for (int i = 0; i < BATCH; i++) {
      workload.step(kernel, index++);
    }
    return index;
  }
}
