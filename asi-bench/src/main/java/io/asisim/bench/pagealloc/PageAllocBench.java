package io.asisim.bench.pagealloc;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.fixtures.FakeArch;
import io.asisim.pagealloc.Allocators;
import io.asisim.pagealloc.BuddyConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Allocator hot paths on a 16 GiB, 8-CPU machine: an order-0 alloc+free pair served by the pcp
 * lists, and order-9/order-10 pairs that split and merge through the buddy free lists.
 * {@code java -jar asi-bench/target/benchmarks.jar pagealloc -f 1 -wi 2 -i 3 -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PageAllocBench {
  @Param({"buddy", "pageblock-migratetype", "unmapped-pool"})
  public String allocator;

  /** 16G keeps the allocator's dense frame table, 256G the chunked one (FrameTable.DENSE_MAX_FRAMES, 64G). */
  @Param({"16G", "256G"})
  public String memory;

  private PageAllocator a;

  @Setup
  public void setUp() {
    FakeArch arch = new FakeArch(8, ParamSpec.parseSize(memory) >>> 12, 4096); // costs nothing: the allocator alone is measured
    Metrics m = new Metrics();
    switch (allocator) {
      case "buddy":
        a = Allocators.buddy(arch, m, gfp -> Sensitivity.SENSITIVE, BuddyConfig.defaults(false), "");
        break;
      case "pageblock-migratetype":
        a = Allocators.buddy(arch, m, PageAllocBench::rfc, BuddyConfig.defaults(true), "");
        break;
      default:
        a = Allocators.unmappedPool(Allocators.buddy(arch, m, PageAllocBench::rfc, BuddyConfig.defaults(false), ""),
            m, PageAllocBench::rfc, Sensitivity.SENSITIVE, false, 9, 128);
    }
  }

  private static Sensitivity rfc(int gfp) {
    return (gfp & (Gfp.__GFP_SENSITIVE | Gfp.__GFP_HARDWALL)) != 0 ? Sensitivity.SENSITIVE : Sensitivity.NONSENSITIVE;
  }

  /** Order-0 alloc + free on one CPU: the pcp fast path after the first refill. */
  @Benchmark
  public long order0PcpAllocFree() {
    long pfn = a.alloc(3, 0, Gfp.GFP_KERNEL);
    a.free(3, pfn, 0);
    return pfn;
  }

  /** Order-0 user page (sensitive under gfp-sensitive) alloc + free. */
  @Benchmark
  public long order0UserAllocFree() {
    long pfn = a.alloc(3, 0, Gfp.GFP_HIGHUSER_MOVABLE);
    a.free(3, pfn, 0);
    return pfn;
  }

  /** Order-9 (THP) alloc + free: split from order 10 and merge back through __free_one_page(). */
  @Benchmark
  public long order9AllocFree() {
    long pfn = a.alloc(3, 9, Gfp.GFP_TRANSHUGE);
    a.free(3, pfn, 9);
    return pfn;
  }

  /** Order-10 alloc + free: no split, the whole MAX_PAGE_ORDER block. */
  @Benchmark
  public long order10AllocFree() {
    long pfn = a.alloc(3, 10, Gfp.GFP_KERNEL | Gfp.__GFP_COMP);
    a.free(3, pfn, 10);
    return pfn;
  }
}
