package io.asisim.sim.kernel;

import io.asisim.api.kernel.Kernel;
import java.util.SplittableRandom;

/**
 * The part of the simulated kernel a workload or a trace calls without a system call: the page
 * allocator directly ({@code alloc_pages()}, {@code __free_pages()}, {@code cma_alloc()} of a
 * driver), the machine's size and the reclaim mark. {@link SimKernel} adds the system-call table.
 */
abstract class KernelPageCalls implements Kernel {
  /** The layers the kernel dispatches to. */
  final KernelInit k;
  private final SplittableRandom random;

  KernelPageCalls(KernelInit k, SplittableRandom random) {
    this.k = k;
    this.random = random;
  }

  @Override
  public int nrCpus() {
    return k.machine.nrCpus();
  }

  @Override
  public SplittableRandom random() {
    return random;
  }

  @Override
  public long allocPages(int cpu, int order, int gfpMask) {
    k.tasks.noteTaskStep(cpu); // a traced or stress allocation is work of some task on that CPU
    return k.allocator.alloc(cpu, order, gfpMask);
  }

  @Override
  public void freePages(int cpu, long pfn, int order) {
    k.tasks.noteTaskStep(cpu);
    k.allocator.free(cpu, pfn, order);
  }

  @Override
  public long freePreexistingPages(int cpu, int order) {
    k.tasks.noteTaskStep(cpu);
    return k.allocator.freePreexisting(cpu, order);
  }

  @Override
  public long freePages() {
    return k.allocator.freePages();
  }

  @Override
  public long totalPages() {
    return k.machine.nrFrames();
  }

  @Override
  public long reclaimWatermark() {
    return k.vmscan.reclaimHigh();
  }

  @Override
  public long freePagesInBlocks(int minOrder) {
    return k.allocator.freePagesInBlocks(minOrder);
  }

  @Override
  public int hugetlbAlloc(int cpu) {
    k.tasks.noteTaskStep(cpu);
    return k.hugetlb.alloc(cpu);
  }

  @Override
  public void hugetlbFree(int cpu, int handle) {
    k.tasks.noteTaskStep(cpu);
    k.hugetlb.free(cpu, handle);
  }

  /** A driver's {@code dma_alloc_contiguous()} → {@code cma_alloc()} on {@code cpu}. */
  @Override
  public long cmaAlloc(int cpu, int nrPageblocks) {
    k.tasks.noteTaskStep(cpu);
    return k.allocator.cmaAlloc(cpu, nrPageblocks);
  }

  @Override
  public void cmaRelease(int cpu, long pfn, int nrPageblocks) {
    k.tasks.noteTaskStep(cpu);
    k.allocator.cmaRelease(cpu, pfn, nrPageblocks);
  }
}
