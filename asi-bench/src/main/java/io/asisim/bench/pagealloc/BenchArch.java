package io.asisim.bench.pagealloc;

import io.asisim.api.machine.ArchPageOps;

/** An arch whose operations cost nothing, so the benchmarks measure the allocator alone. */
final class BenchArch implements ArchPageOps {
  private final int cpus;
  private final long frames;
  private final long[] restricted;
  long cycles;

  BenchArch(int cpus, long frames) {
    this.cpus = cpus;
    this.frames = frames;
    this.restricted = new long[(int) ((frames + 63) >>> 6)];
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
    return 4096;
  }

  @Override
  public void charge(int cpu, long c) {
    cycles += c;
  }

  @Override
  public void clearPages(int cpu, long pfn, long count) {}

  @Override
  public boolean setRestrictedMapped(int cpu, long pfn, long count, boolean present) {
    for (long p = pfn; p < pfn + count; p++) {
      if (present) {
        restricted[(int) (p >>> 6)] |= 1L << p;
      } else {
        restricted[(int) (p >>> 6)] &= ~(1L << p);
      }
    }
    return true;
  }

  @Override
  public boolean isRestrictedMapped(long pfn) {
    return (restricted[(int) (pfn >>> 6)] & (1L << pfn)) != 0;
  }

  @Override
  public boolean setDirectMapped(int cpu, long pfn, long count, boolean present) {
    return true;
  }

  @Override
  public boolean isDirectMapped(long pfn) {
    return true;
  }

  @Override
  public void flushKernelRange(int cpu, long pfn, long count) {}
}
