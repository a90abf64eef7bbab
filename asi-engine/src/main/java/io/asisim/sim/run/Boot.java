package io.asisim.sim.run;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import io.asisim.api.kernel.Workload;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.PfnRange;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.sim.BadInputException;
import io.asisim.sim.CheckViolationException;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.kernel.SimKernel;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.BuiltPlugins;
import io.asisim.sim.wiring.VariantModule;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot sequence of one variant, in the order {@code start_kernel()} (init/main.c) brings a
 * machine up. Guice only <em>selects</em> and builds the plugin of each kind ({@link VariantModule});
 * every step that wires one object into another is written here, top to bottom:
 *
 * <ol>
 *   <li>{@code setup_arch()}: the machine — CPUs, the kernel image and the boot page tables of the
 *       direct map ({@code init_mem_mapping()}), taken from memblock;
 *   <li>memblock: the machine's boot reservation, as ranges ({@code memblock.reserved});
 *   <li>{@code mm_core_init()} → {@code mem_init()} → {@code memblock_free_all()}: the page
 *       allocator is built and takes over every frame outside the reservation (or a seeded
 *       /proc/pagetypeinfo state laid out around it);
 *   <li>handover: from now on page tables come from the buddy allocator ({@code pte_alloc_one()}
 *       → {@code alloc_pages()}), no longer from memblock's spare frames;
 *   <li>policies: mapper, flush and context-switch policy are selected now but built on the
 *       kernel's first use, so an allocator-only workload (trace replay) needs none of them;
 *   <li>the kernel (task table, address spaces), then the workload, which {@code run} sets up.
 * </ol>
 */
public final class Boot {
  private static final Logger LOG = LoggerFactory.getLogger(Boot.class);

  private Boot() {}

  /**
   * Boots {@code config} with the plugins of {@code registry}.
   *
   * @throws BadInputException on a bad selection or parameter, unwrapped from Guice
   */
  public static BootedVariant boot(VariantConfig config, PluginRegistry registry) {
    try {
      Injector injector = Guice.createInjector(Stage.DEVELOPMENT, new VariantModule(config, registry));
      Metrics metrics = injector.getInstance(Metrics.class);
      // 1. setup_arch(): CPUs, kernel image, boot page tables from memblock
      Machine machine = injector.getInstance(Machine.class);
      // 2. memblock.reserved as the machine left it
      List<PfnRange> reservation = machine.bootReservation();
      // 3. mem_init() -> memblock_free_all(): the buddy allocator takes over everything else
      PageAllocator allocator = injector.getInstance(PageAllocator.class);
      // 4. page tables from the buddy from now on (the machine's spare frames only back frees)
      handOverPageTables(machine, allocator);
      // 5. mapper, flush and context-switch policy: providers the kernel calls on first use
      // 6. the kernel, then the workload (set up by Simulation, the part that is measured around)
      SimKernel kernel = injector.getInstance(SimKernel.class);
      Workload workload = injector.getInstance(Workload.class);
      LOG.debug("booted {}: {} frames reserved in {} ranges", config.selection(),
          reservation.stream().mapToLong(PfnRange::frames).sum(), reservation.size());
      return new BootedVariant(config, metrics, machine, reservation, allocator, kernel, workload,
          injector.getInstance(BuiltPlugins.class));
    } catch (ProvisionException | CreationException | ConfigurationException e) {
      throw unwrap(e);
    }
  }

  /**
   * Step 4 on its own, for callers that take the machine and allocator from a
   * {@link VariantModule} injector themselves (contract tests): page tables from {@code allocator}
   * from now on, as {@code pte_alloc_one()} takes them once the buddy allocator is up.
   */
  public static void handOverPageTables(Machine machine, PageAllocator allocator) {
    machine.setTablePageSource(new AllocatorTablePages(allocator));
  }

  /** Guice wraps what providers throw; surface our own exceptions unchanged. */
  static RuntimeException unwrap(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BadInputException || t instanceof CheckViolationException) {
        return (RuntimeException) t;
      }
    }
    if (e instanceof ProvisionException) {
      for (com.google.inject.spi.Message m : ((ProvisionException) e).getErrorMessages()) {
        for (Throwable t = m.getCause(); t != null; t = t.getCause()) {
          if (t instanceof BadInputException || t instanceof CheckViolationException) {
            return (RuntimeException) t;
          }
        }
      }
    }
    return e;
  }
}
