package io.asisim.sim.workload;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;

/**
 * The calibration microbenchmark's shootdown loop (calibration/microbench.c): each op maps
 * {@code pages} anonymous pages, writes one byte to each (a write fault: allocate, zero, map) and
 * unmaps them ({@code munmap()}: zap, free, {@code flush_tlb_mm_range()}). With {@code spinner} a
 * second thread of the process runs user code on another CPU the whole time, as the
 * microbenchmark's spinning thread does: the mm is loaded there and not lazy, so every
 * {@code munmap()} must shoot that CPU's TLB down (an IPI, and the sender waits for it). Compare
 * {@code sim_time_busiest_cpu_ns / ops} (the loop's CPU) with and without the spinner against the
 * measured {@code munmap} times with and without an IPI (docs/calibration.md).
 */
final class MmapMunmapWorkload implements Workload {
  private final long ops;
  private final int pages;
  private final boolean spinner;
  private int pid;

  MmapMunmapWorkload(long ops, int pages, boolean spinner) {
    this.ops = ops;
    this.pages = pages;
    this.spinner = spinner;
  }

  @Override
  public long ops() {
    return ops;
  }

  @Override
  public void setUp(Kernel k) {
    pid = k.spawn();
    if (pid < 0) {
      throw new IllegalArgumentException("out of memory starting the mmap-munmap process");
    }
    if (spinner) {
      if (k.nrCpus() < 2) {
        throw new IllegalArgumentException("spinner needs a second CPU (--cpus 2 or more)");
      }
      int t = k.cloneThread(pid);
      if (k.cpuOf(t) == k.cpuOf(pid)) {
        k.migrate(t, (k.cpuOf(pid) + 1) % k.nrCpus());
      }
      k.runUser(t, 1); // it is running its loop in user mode from now on
    }
  }

  @Override
  public void step(Kernel k, long index) {
    long va = k.mmapAnon(pid, pages);
    for (int i = 0; i < pages; i++) {
      k.touch(pid, va + ((long) i << 12), true);
    }
    k.munmap(pid, va, pages);
  }

  @Override
  public void tearDown(Kernel k) {
    k.exit(pid); // exit_group(): the spinner too
  }
}
