package io.asisim.sim.run;

import io.asisim.api.kernel.Workload;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.PfnRange;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.kernel.SimKernel;
import io.asisim.sim.wiring.BuiltPlugins;
import java.util.List;

/**
 * One variant after {@link Boot}: what the boot sequence built, in the order it built it.
 *
 * @param config the variant
 * @param metrics the variant's counters
 * @param machine the simulated machine, its page tables now fed by {@link #allocator}
 * @param reservation what memblock kept at boot, never handed to the allocator
 * @param allocator the page allocator that took over the rest of memory
 * @param kernel the simulated kernel (its mapper and policies are built on first use)
 * @param workload the workload, not yet set up
 * @param plugins the plugins built so far and later, for blaming a failure on one
 */
public record BootedVariant(
    VariantConfig config,
    Metrics metrics,
    Machine machine,
    List<PfnRange> reservation,
    PageAllocator allocator,
    SimKernel kernel,
    Workload workload,
    BuiltPlugins plugins) {

  public BootedVariant {
    reservation = List.copyOf(reservation);
  }
}
