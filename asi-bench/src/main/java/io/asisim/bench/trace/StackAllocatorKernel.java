package io.asisim.bench.trace;

import io.asisim.api.kernel.Kernel;
import java.util.SplittableRandom;

/**
 * The simplest allocator that can serve a replay, so that the benchmark measures the replayer and
 * not an allocator: per-order LIFO stacks of freed blocks plus a bump pointer over an unbounded
 * frame range. O(1) per call, nothing allocated after warm-up.
 */
final class StackAllocatorKernel implements Kernel {
  private final int nrCpus;
  private final long[][] stacks = new long[11][];
  private final int[] depth = new int[11];
  private long bump;
  private long inUse;

  StackAllocatorKernel(int nrCpus) {
    this.nrCpus = nrCpus;
    for (int o = 0; o < stacks.length; o++) {
      stacks[o] = new long[1 << 16];
    }
  }

  void reset() {
    java.util.Arrays.fill(depth, 0);
    bump = 0;
    inUse = 0;
  }

  @Override
  public int nrCpus() {
    return nrCpus;
  }

  @Override
  public SplittableRandom random() {
    throw new UnsupportedOperationException();
  }

  @Override
  public long allocPages(int cpu, int order, int gfpMask) {
    inUse += 1L << order;
    if (depth[order] > 0) {
      return stacks[order][--depth[order]];
    }
    long pfn = (bump + (1L << order) - 1) & -(1L << order);
    bump = pfn + (1L << order);
    return pfn;
  }

  @Override
  public void freePages(int cpu, long pfn, int order) {
    inUse -= 1L << order;
    if (depth[order] == stacks[order].length) {
      stacks[order] = java.util.Arrays.copyOf(stacks[order], depth[order] * 2);
    }
    stacks[order][depth[order]++] = pfn;
  }

  @Override
  public long freePages() {
    return Long.MAX_VALUE - inUse;
  }

  @Override
  public long totalPages() {
    return Long.MAX_VALUE;
  }

  long inUse() {
    return inUse;
  }
}
