package io.asisim.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.plugin.Params;
import io.asisim.fixtures.FakeArch;
import io.asisim.pagealloc.Allocators;
import io.asisim.pagealloc.BuddyConfig;
import io.asisim.policies.sensitivity.GfpSensitiveClassifier;
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
    FakeArch arch = new FakeArch(8, FRAMES, 4096);
    PageAllocator a = Allocators.buddy(arch, m, new GfpSensitiveClassifier(), BuddyConfig.defaults(true), "");
    runDefaults(a, arch);
    assertThat(m.get("pageblock_flips_to_nonsensitive")).isGreaterThan(100);
    assertThat(m.get("pageblock_flips_to_sensitive")).isGreaterThan(100);
    assertThat(arch.pagesZeroed()).isEqualTo(512 * m.get("pageblock_flips_to_nonsensitive"));
    assertThat(arch.shootdowns()).isPositive();
  }

  @Test
  void defaultsRefillAndShrinkThePool() {
    Metrics m = new Metrics();
    FakeArch arch = new FakeArch(8, FRAMES, 4096);
    PageAllocator a = Allocators.unmappedPool(
        Allocators.buddy(arch, m, new GfpSensitiveClassifier(), BuddyConfig.defaults(false), ""),
        m, new GfpSensitiveClassifier(), Sensitivity.SENSITIVE, false, 9, 128);
    runDefaults(a, arch);
    assertThat(m.get("pool_refills")).isGreaterThan(100);
    assertThat(m.get("pool_shrinks")).isGreaterThan(10);
  }

  private static void runDefaults(PageAllocator a, FakeArch arch) {
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
}
