package io.asisim.sim.kernel;

import com.google.inject.Inject;
import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.Machine;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.plugin.SimContext;
import java.util.SplittableRandom;

/**
 * The simulated kernel a workload drives. So far it offers the page allocator ({@code alloc_pages}
 * / {@code __free_pages}); tasks, mm, the page cache and syscalls arrive with the simulated-kernel
 * work (DESIGN §4).
 */
public final class SimKernel implements Kernel {
  private final Machine machine;
  private final PageAllocator allocator;
  private final SplittableRandom random;

  @Inject
  public SimKernel(SimContext ctx) {
    this.machine = ctx.machine();
    this.allocator = ctx.allocator();
    this.random = ctx.random("workload");
  }

  @Override
  public int nrCpus() {
    return machine.nrCpus();
  }

  @Override
  public SplittableRandom random() {
    return random;
  }

  @Override
  public long allocPages(int cpu, int order, int gfpMask) {
    return allocator.alloc(cpu, order, gfpMask);
  }

  @Override
  public void freePages(int cpu, long pfn, int order) {
    allocator.free(cpu, pfn, order);
  }

  @Override
  public long freePages() {
    return allocator.freePages();
  }

  @Override
  public long totalPages() {
    return machine.nrFrames();
  }
}
