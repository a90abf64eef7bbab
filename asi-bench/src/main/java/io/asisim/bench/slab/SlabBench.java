package io.asisim.bench.slab;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.sim.slab.SlabPages;
import io.asisim.sim.slab.SlabSensitivity;
import io.asisim.sim.slab.SlabStats;
import io.asisim.sim.slab.Slub;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SLUB model's object paths (io.asisim.sim.slab.Slub, docs/workloads.md "Slab events"), in
 * operations per second: {@link #allocFree}, one object allocated and freed on the same CPU (the
 * active slab's fast path); {@link #churn}, an allocation or a free of a random live object among
 * 64 Ki of a 192-byte cache on two CPUs (slabs moving between the active slab, the per-CPU and the
 * node partial lists, and to and from the page source). Slab pages come from a counter, so the
 * page allocator's cost is not in these figures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SlabBench {
  private static final int LIVE = 1 << 16;
  private Slub slub;
  private int cache;
  private int[] live;
  private int nrLive;
  private SplittableRandom random;

  @Setup(Level.Trial)
  public void setUp() {
    SlabPages pages = new SlabPages() {
      private long next = 1 << 20;

      @Override
      public long alloc(int cpu, int order, int gfp) {
        long p = next;
        next += 1L << order;
        return p;
      }

      @Override
      public void free(int cpu, long pfn, int order) {}
    };
    slub = new Slub(2, pages, SlabSensitivity.RECLAIMABLE, new SlabStats(new Metrics()));
    cache = slub.cache("dentry", 192, true, false);
    live = new int[LIVE];
    random = new SplittableRandom(7);
    for (nrLive = 0; nrLive < LIVE / 2; nrLive++) {
      live[nrLive] = slub.alloc(random.nextInt(2), cache, Gfp.GFP_KERNEL);
    }
  }

  @Benchmark
  public int allocFree() {
    int s = slub.alloc(0, cache, Gfp.GFP_KERNEL);
    slub.free(0, s);
    return s;
  }

  @Benchmark
  public int churn() {
    int cpu = random.nextInt(2);
    if (nrLive < LIVE && (nrLive == 0 || random.nextBoolean())) {
      int s = slub.alloc(cpu, cache, Gfp.GFP_KERNEL);
      live[nrLive++] = s;
      return s;
    }
    int i = random.nextInt(nrLive);
    int s = live[i];
    live[i] = live[--nrLive];
    slub.free(cpu, s);
    return s;
  }
}
