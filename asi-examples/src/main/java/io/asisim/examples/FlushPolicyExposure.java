package io.asisim.examples;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What does security cost? {@code kernel-build} (processes that read files, close them, migrate
 * and exit) with ephmap aliases and each TLB flush policy, the checker on: {@code local} sends no
 * IPI but leaves stale translations of pages a process lost access to ({@code leak_exposures});
 * {@code mm-global}, {@code precise} and {@code eager-global} close that window at a price in IPIs.
 */
public final class FlushPolicyExposure {
  private FlushPolicyExposure() {}

  static final List<String> METRICS = List.of("throughput_ops_per_s", "leak_exposures", "leak_exposure_cycles",
      "tlb_shootdowns", "tlb_shootdown_ipis", "transient_maps");

  /** {@code args[0]}: kernel-build steps per variant (default 30000). */
  public static void main(String[] args) {
    run(Examples.ops(args, 30_000), 1, new PrintWriter(System.out, true, StandardCharsets.UTF_8));
  }

  static ComparisonResult run(long ops, int samples, PrintWriter out) {
    PluginRegistry registry = PluginRegistry.discover();
    MachineConfig machine = new MachineConfig(2L << 30, 8, true);
    List<VariantConfig> variants = Examples.along(registry, machine,
        Map.of(PluginKind.WORKLOAD, "kernel-build", PluginKind.MAPPER, "ephmap"),
        List.of("workload.kernel-build.ops=" + ops, "workload.kernel-build.build-memory=128M"),
        PluginKind.FLUSH, List.of("local", "mm-global", "precise", "eager-global"),
        Math.max(1, ops / 200)); // --check-every: the exposure scan runs 200 times per run
    ComparisonResult r = Examples.compare(registry, "flush policies on kernel-build: cost against exposure",
        variants, samples);
    ExampleTable.print(r, METRICS, out);
    return r;
  }
}
