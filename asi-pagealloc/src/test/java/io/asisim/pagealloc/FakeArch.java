package io.asisim.pagealloc;

import io.asisim.api.machine.ArchPageOps;
import java.util.BitSet;

/**
 * A test {@link ArchPageOps}: per-frame restricted/direct map bits, and counters. A kernel-range
 * flush is one shootdown sending {@code nrCpus - 1} IPIs. A restricted-map change that does not
 * cover whole aligned pageblocks splits each 2 MiB leaf it touches once.
 */
final class FakeArch implements ArchPageOps {
  final int cpus;
  final long frames;
  final long reserved;
  final BitSet restricted = new BitSet();
  final BitSet directUnmapped = new BitSet();
  final BitSet restrictedSplit = new BitSet();
  final BitSet directSplit = new BitSet();
  long cycles;
  long pagesZeroed;
  long clearCalls;
  long shootdowns;
  long ipis;
  long restrictedSplits;
  long directSplits;

  FakeArch(int cpus, long frames, long reserved) {
    this.cpus = cpus;
    this.frames = frames;
    this.reserved = reserved;
  }

  @Override
  public int nrCpus() {
    return cpus;
  }

  @Override
  public long nrFrames() {
    return frames;
  }

  @Override
  public long bootReservedFrames() {
    return reserved;
  }

  @Override
  public void charge(int cpu, long c) {
    cycles += c;
  }

  @Override
  public void clearPages(int cpu, long pfn, long count) {
    pagesZeroed += count;
    clearCalls++;
  }

  @Override
  public boolean setRestrictedMapped(int cpu, long pfn, long count, boolean present) {
    if (pfn % 512 != 0 || count % 512 != 0) {
      for (long pb = pfn >>> 9; pb <= (pfn + count - 1) >>> 9; pb++) {
        if (!restrictedSplit.get((int) pb)) {
          restrictedSplit.set((int) pb);
          restrictedSplits++;
        }
      }
    }
    restricted.set((int) pfn, (int) (pfn + count), present);
    return true;
  }

  @Override
  public boolean isRestrictedMapped(long pfn) {
    return restricted.get((int) pfn);
  }

  @Override
  public boolean setDirectMapped(int cpu, long pfn, long count, boolean present) {
    if (pfn % 512 != 0 || count % 512 != 0) {
      for (long pb = pfn >>> 9; pb <= (pfn + count - 1) >>> 9; pb++) {
        if (!directSplit.get((int) pb)) {
          directSplit.set((int) pb);
          directSplits++;
        }
      }
    }
    directUnmapped.set((int) pfn, (int) (pfn + count), !present);
    return true;
  }

  @Override
  public boolean isDirectMapped(long pfn) {
    return !directUnmapped.get((int) pfn);
  }

  @Override
  public void flushKernelRange(int cpu, long pfn, long count) {
    shootdowns++;
    ipis += cpus - 1;
  }
}
