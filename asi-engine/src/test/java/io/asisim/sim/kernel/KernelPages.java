package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.sim.slab.KmemCache;
import java.util.Set;

/** What the kernel's exit paths must give back, with the pages its slab caches keep counted in. */
final class KernelPages {
  /** The caches of per-process objects: empty once every process has gone. */
  private static final Set<String> PROCESS_CACHES = Set.of("task_struct", "sighand_cache", "mm_struct",
      "vm_area_struct", "filp");

  private KernelPages() {}

  /**
   * Free pages plus the pages slab caches hold. SLUB keeps a CPU's active slab and {@code min_partial}
   * empty slabs per cache, so the pages of freed objects need not come back to the free lists; an
   * exit that gives back every page it took keeps this sum.
   */
  static long freeOrSlab(SimKernel k) {
    long slab = 0;
    for (KmemCache c : k.slub().caches()) {
      slab += c.pages();
    }
    return k.freePages() + slab;
  }

  /** No task, sighand, mm, VMA or open-file object is left. */
  static void noProcessObjectsLeft(SimKernel k) {
    for (KmemCache c : k.slub().caches()) {
      if (PROCESS_CACHES.contains(c.name())) {
        assertThat(c.activeObjects()).as(c.name() + " objects left").isZero();
      }
    }
  }
}
