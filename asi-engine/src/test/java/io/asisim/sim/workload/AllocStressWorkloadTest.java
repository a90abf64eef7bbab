package io.asisim.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.plugin.Params;
import io.asisim.pagealloc.Allocators;
import io.asisim.pagealloc.BuddyConfig;
import io.asisim.policies.sensitivity.GfpSensitiveClassifier;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The default alloc-stress on the default machine (16 GiB, 8 CPUs) flips pageblocks both ways
 * under pageblock-migratetype and refills and shrinks the unmapped pool.
 */
class AllocStressWorkloadTest {
  private static final long FRAMES = (16L << 30) >>> 12;

  @Test
  void defaultsFlipBothWays() {
    Metrics m = new Metrics();
    Arch arch = new Arch(8, FRAMES, 4096);
    PageAllocator a = Allocators.buddy(arch, m, new GfpSensitiveClassifier(), BuddyConfig.defaults(true), "");
    runDefaults(a, arch);
    assertThat(m.get("pageblock_flips_to_nonsensitive")).isGreaterThan(100);
    assertThat(m.get("pageblock_flips_to_sensitive")).isGreaterThan(100);
    assertThat(arch.zeroed).isEqualTo(512 * m.get("pageblock_flips_to_nonsensitive"));
    assertThat(arch.shootdowns).isPositive();
  }

  @Test
  void defaultsRefillAndShrinkThePool() {
    Metrics m = new Metrics();
    Arch arch = new Arch(8, FRAMES, 4096);
    PageAllocator a = Allocators.unmappedPool(
        Allocators.buddy(arch, m, new GfpSensitiveClassifier(), BuddyConfig.defaults(false), ""),
        m, new GfpSensitiveClassifier(), Sensitivity.SENSITIVE, false, 9, 128);
    runDefaults(a, arch);
    assertThat(m.get("pool_refills")).isGreaterThan(100);
    assertThat(m.get("pool_shrinks")).isGreaterThan(10);
  }

  private static void runDefaults(PageAllocator a, Arch arch) {
    AllocStressPlugin plugin = new AllocStressPlugin();
    Workload w = plugin.create(Params.of(plugin), null);
    assertThat(w.ops()).isEqualTo(1_000_000);
    long managed = FRAMES - 4096;
    SimpleKernel k = new SimpleKernel(a, 8, FRAMES, new SplittableRandom(1));
    w.setUp(k);
    for (long i = 0; i < w.ops(); i++) {
      w.step(k, i);
    }
    assertThat(a.checkConsistency()).isNull();
    w.tearDown(k);
    a.finish();
    assertThat(a.checkConsistency()).isNull();
    // everything the workload held came back (the pool may keep some as stranded free pages)
    assertThat(a.freePages()).isEqualTo(managed);
  }

  /** A Kernel that only allocates and frees, for allocator workloads. */
  static final class SimpleKernel implements Kernel {
    private final PageAllocator a;
    private final int cpus;
    private final long frames;
    private final SplittableRandom rnd;

    SimpleKernel(PageAllocator a, int cpus, long frames, SplittableRandom rnd) {
      this.a = a;
      this.cpus = cpus;
      this.frames = frames;
      this.rnd = rnd;
    }

    @Override
    public int nrCpus() {
      return cpus;
    }

    @Override
    public SplittableRandom random() {
      return rnd;
    }

    @Override
    public long allocPages(int cpu, int order, int gfpMask) {
      return a.alloc(cpu, order, gfpMask);
    }

    @Override
    public void freePages(int cpu, long pfn, int order) {
      a.free(cpu, pfn, order);
    }

    @Override
    public long freePages() {
      return a.freePages();
    }

    @Override
    public long totalPages() {
      return frames;
    }
  }

  /** A fake arch: restricted-map bits per frame, counters, nrCpus - 1 IPIs per shootdown. */
  static final class Arch implements ArchPageOps {
    final int cpus;
    final long frames;
    final long reserved;
    final BitSet restricted = new BitSet();
    long zeroed;
    long shootdowns;

    Arch(int cpus, long frames, long reserved) {
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
    public void charge(int cpu, long cycles) {}

    @Override
    public void clearPages(int cpu, long pfn, long count) {
      zeroed += count;
    }

    @Override
    public boolean setRestrictedMapped(int cpu, long pfn, long count, boolean present) {
      restricted.set((int) pfn, (int) (pfn + count), present);
      return true;
    }

    @Override
    public boolean isRestrictedMapped(long pfn) {
      return restricted.get((int) pfn);
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
    public void flushKernelRange(int cpu, long pfn, long count) {
      shootdowns++;
    }
  }
}
