package io.asisim.sim.kernel;

import io.asisim.api.machine.Machine;
import io.asisim.api.mm.Gfp;
import java.util.ArrayList;
import java.util.List;

/**
 * Loadable modules (kernel/module/main.c), as far as the direct map sees them: {@code load_module()}
 * allocates the module's memory page by page ({@code module_memory_alloc()} → {@code execmem_alloc()},
 * a vmalloc'd area), and {@code module_enable_rodata_ro()} / {@code module_enable_text_rox()} make it
 * read-only, which {@code set_memory_ro()} also applies to each page's direct-map alias
 * ({@code cpa_process_alias()}); one flush over the aliases' span ({@code cpa_flush()}, a full flush
 * above the single-page ceiling). {@code delete_module()} frees it with
 * {@code VM_FLUSH_RESET_PERMS}: {@code vm_reset_perms()} restores the aliases' default
 * permissions, flushes, and the pages are freed. Under ASI the restricted direct map keeps these
 * pages writable unless the machine mirrors the change ({@code machine.x86.mirror-physmap}): the
 * checker reports a restricted map that grants more than the unrestricted one.
 *
 * <p>Partly modelled: the vmalloc mapping itself, relocation and symbol work (charged as
 * {@link #LOAD_PER_PAGE}, an estimate), and the x86 execmem ROX cache of Linux 6.14+, which serves
 * module text from 2 MiB pages made read-only once instead of page by page.
 */
final class Modules {
  /** Estimate: cycles per module page of {@code load_module()} (copy, relocation, symbol resolution). */
  static final long LOAD_PER_PAGE = 20_000;

  private final Machine machine;
  private final Vmscan vmscan;
  private final List<long[]> loaded = new ArrayList<>();

  Modules(Machine machine, Vmscan vmscan) {
    this.machine = machine;
    this.vmscan = vmscan;
  }

  /** {@code finit_module()} of a module of {@code pages} pages; its handle, or -1 (-ENOMEM). */
  int load(int cpu, int pages) {
    long[] frames = new long[pages];
    for (int i = 0; i < pages; i++) {
      frames[i] = vmscan.allocPages(cpu, 0, Gfp.GFP_KERNEL);
      if (frames[i] < 0) {
        for (int j = 0; j < i; j++) {
          vmscan.freeUserPage(cpu, frames[j]);
        }
        return -1;
      }
    }
    machine.charge(cpu, LOAD_PER_PAGE * pages);
    setReadOnly(cpu, frames, true);
    for (int h = 0; h < loaded.size(); h++) {
      if (loaded.get(h) == null) {
        loaded.set(h, frames);
        return h;
      }
    }
    loaded.add(frames);
    return loaded.size() - 1;
  }

  /** {@code delete_module()} of module {@code handle}. */
  void unload(int cpu, int handle) {
    long[] frames = handle >= 0 && handle < loaded.size() ? loaded.get(handle) : null;
    if (frames == null) {
      throw new IllegalArgumentException("no module " + handle + " is loaded");
    }
    loaded.set(handle, null);
    setReadOnly(cpu, frames, false); // vm_reset_perms(): the aliases back to their default
    for (long f : frames) {
      vmscan.freeUserPage(cpu, f);
    }
  }

  private void setReadOnly(int cpu, long[] frames, boolean ro) {
    long lo = Long.MAX_VALUE;
    long hi = -1;
    for (long f : frames) {
      if (!machine.setDirectMapReadOnly(cpu, f, 1, ro)) {
        throw new IllegalStateException("set_memory_" + (ro ? "ro" : "rw") + "() of pfn " + f
            + ": no page for a page table (-ENOMEM)");
      }
      lo = Math.min(lo, f);
      hi = Math.max(hi, f);
    }
    if (hi >= 0) {
      machine.flushKernelRange(cpu, lo, hi - lo + 1);
    }
  }
}
