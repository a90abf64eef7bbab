package io.asisim.api.kernel;

import java.util.SplittableRandom;

/**
 * The simulated kernel as a workload drives it. Every call runs on a simulated CPU and charges its
 * cycles there. This interface grows (by default methods) as the simulated kernel gains syscalls.
 */
public interface Kernel {

  /** Number of simulated CPUs. */
  int nrCpus();

  /** The workload's random stream, seeded from the run's seed. */
  SplittableRandom random();

  /** Allocates {@code 2^order} pages with {@code gfpMask} on {@code cpu}; {@code -1} on failure. */
  long allocPages(int cpu, int order, int gfpMask);

  /** Frees pages allocated with {@link #allocPages}. */
  void freePages(int cpu, long pfn, int order);

  /** Free pages in the allocator right now. */
  long freePages();

  /** Total pages of simulated memory. */
  long totalPages();
}
