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
 * Where does sensitive memory come from? {@code alloc-stress} (a sensitivity mix filled to
 * exhaustion and drained) with the two ASI allocator strategies: {@code pageblock-migratetype}
 * flips whole pageblocks (zeroing 512 pages to make one nonsensitive, a TLB shootdown to make one
 * sensitive); {@code unmapped-pool} refills a side pool and splits direct-map leaves instead.
 */
public final class AllocatorComparison {
  private AllocatorComparison() {}

  static final List<String> METRICS = List.of("pageblock_flips_to_sensitive", "pageblock_flips_to_nonsensitive",
      "pages_zeroed", "tlb_shootdowns", "pool_refills", "pool_shrinks", "direct_map_splits", "alloc_failures");

  /** {@code args[0]}: allocator ops per variant (default 200000). */
  public static void main(String[] args) {
    run(Examples.ops(args, 200_000), 2, new PrintWriter(System.out, true, StandardCharsets.UTF_8));
  }

  static ComparisonResult run(long ops, int samples, PrintWriter out) {
    PluginRegistry registry = PluginRegistry.discover();
    MachineConfig machine = new MachineConfig(1L << 30, 4, true);
    List<VariantConfig> variants = Examples.along(registry, machine, Map.of(PluginKind.WORKLOAD, "alloc-stress"),
        List.of("workload.alloc-stress.ops=" + ops), PluginKind.ALLOCATOR,
        List.of("pageblock-migratetype", "unmapped-pool"), 0);
    ComparisonResult r = Examples.compare(registry, "allocator strategies on alloc-stress", variants, samples);
    ExampleTable.print(r, METRICS, out);
    return r;
  }
}
