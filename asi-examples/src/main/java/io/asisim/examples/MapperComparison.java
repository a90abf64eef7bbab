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
 * How should restricted kernel code read a sensitive page-cache page? {@code fio-randread} (4 KiB
 * {@code pread()}s of a tmpfs file by 4 jobs on 4 CPUs) with each mapper: {@code exit} takes one
 * {@code asi_exit} per read; the others make a transient alias and pay for it in page-table
 * writes and flushes instead. Flush policy {@code precise} (secure) throughout.
 */
public final class MapperComparison {
  private MapperComparison() {}

  /** Headline metrics of this comparison. */
  static final List<String> METRICS = List.of("throughput_ops_per_s", "asi_exits", "transient_maps",
      "transient_map_fallbacks", "tlb_shootdown_ipis", "tlb_flushes_local");

  /** {@code args[0]}: reads per variant (default 20000). */
  public static void main(String[] args) {
    run(Examples.ops(args, 20_000), 2, new PrintWriter(System.out, true, StandardCharsets.UTF_8));
  }

  static ComparisonResult run(long ops, int samples, PrintWriter out) {
    PluginRegistry registry = PluginRegistry.discover(); // every plugin on the class path, yours too
    MachineConfig machine = new MachineConfig(4L << 30, 4, true); // 4 GiB, 4 CPUs, ASI on
    List<VariantConfig> variants = Examples.along(registry, machine,
        Map.of(PluginKind.WORKLOAD, "fio-randread", PluginKind.FLUSH, "precise"),
        List.of("workload.fio-randread.ops=" + ops, "workload.fio-randread.file-size=64M"),
        PluginKind.MAPPER, List.of("exit", "vmalloc", "ephmap", "kmap-local", "mermap"), 0);
    ComparisonResult r = Examples.compare(registry, "mappers on fio-randread (precise flush)", variants, samples);
    ExampleTable.print(r, METRICS, out);
    return r;
  }
}
