package io.asisim.sim.trace;

import io.asisim.api.kernel.Kernel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tiny reference page allocator behind the {@link Kernel} interface, for replay tests: first-fit
 * over a bitmap of {@code frames} frames, naturally aligned blocks, and strict checks (a free must
 * name exactly a block it handed out, with its order) so that a replay bug shows up as an
 * AssertionError rather than as a wrong count.
 */
final class RefKernel implements Kernel {
  final int frames;
  final int nrCpus;
  final BitSet used = new BitSet();
  /** order + 1 of the block starting at a frame, 0 when no block starts there. */
  final byte[] blockOrder;
  final List<String> calls = new ArrayList<>();
  final BitSet cpusSeen = new BitSet();
  long allocs;
  long frees;
  long failures;
  boolean record;

  RefKernel(int frames, int nrCpus) {
    this.frames = frames;
    this.nrCpus = nrCpus;
    this.blockOrder = new byte[frames];
  }

  @Override
  public int nrCpus() {
    return nrCpus;
  }

  @Override
  public SplittableRandom random() {
    return new SplittableRandom(1);
  }

  @Override
  public long allocPages(int cpu, int order, int gfpMask) {
    check(cpu);
    int n = 1 << order;
    int start = 0;
    while (true) {
      start = align(used.nextClearBit(start), n);
      if (start + n > frames) {
        break;
      }
      int next = used.nextSetBit(start);
      if (next >= 0 && next < start + n) {
        start = next + 1; // first fit: skip past the used frame
        continue;
      }
      used.set(start, start + n);
      blockOrder[start] = (byte) (order + 1);
      allocs++;
      if (record) {
        calls.add("alloc cpu" + cpu + " order" + order + " gfp=0x" + Integer.toHexString(gfpMask) + " -> " + start);
      }
      return start;
    }
    failures++;
    if (record) {
      calls.add("alloc cpu" + cpu + " order" + order + " -> fail");
    }
    return -1;
  }

  private static int align(int i, int n) {
    return (i + n - 1) & -n;
  }

  @Override
  public void freePages(int cpu, long pfn, int order) {
    check(cpu);
    if (pfn < 0 || pfn >= frames || blockOrder[(int) pfn] != order + 1) {
      throw new AssertionError("free of " + pfn + " order " + order + " that is not an allocated block");
    }
    blockOrder[(int) pfn] = 0;
    used.clear((int) pfn, (int) pfn + (1 << order));
    frees++;
    if (record) {
      calls.add("free cpu" + cpu + " " + pfn + " order" + order);
    }
  }

  private void check(int cpu) {
    if (cpu < 0 || cpu >= nrCpus) {
      throw new AssertionError("cpu " + cpu + " outside 0.." + (nrCpus - 1));
    }
    cpusSeen.set(cpu);
  }

  @Override
  public long freePages() {
    return frames - used.cardinality();
  }

  @Override
  public long totalPages() {
    return frames;
  }
}
