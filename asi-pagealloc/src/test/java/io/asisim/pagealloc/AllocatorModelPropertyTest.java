package io.asisim.pagealloc;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import io.asisim.fixtures.Shrink;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Property (docs/testing.md): short random sequences of allocations and frees — every order 0..10,
 * migratetypes (unmovable, movable, reclaimable, atomic/high-atomic), both sensitivities, DMA32,
 * frees from any CPU — on small machines where exhaustion is common, each of the three allocators
 * against a reference model (the set of frames handed out): no frame handed out twice, blocks
 * aligned and inside memory, the ASI strategies hand out the requested sensitivity, the free-page
 * count equals managed minus held after every operation, the consistency check is clean, and after
 * freeing everything every page is back. Unlike {@link RandomizedAllocatorTest} (one long run) and
 * the testkit's {@code PageAllocatorContract} (through the engine), this checks after every step
 * on many independent sequences and shrinks a failing one to a minimal counterexample.
 */
class AllocatorModelPropertyTest {
  private static final int SEQUENCES = 500;
  private static final long RESERVED = 256;
  private static final int[] GFPS = {
    Gfp.GFP_KERNEL, Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_SENSITIVE,
    Gfp.GFP_HIGHUSER_MOVABLE, Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE, Gfp.GFP_ATOMIC, Gfp.GFP_ATOMIC | Gfp.__GFP_SENSITIVE,
    Gfp.GFP_NOWAIT, Gfp.GFP_KERNEL | Gfp.GFP_DMA32 | Gfp.__GFP_SENSITIVE, Gfp.GFP_TRANSHUGE_LIGHT | Gfp.__GFP_SENSITIVE,
  };

  /** One step: allocate ({@code order}, {@code gfp} index) on {@code cpu}, or free live block {@code victim} mod live (with nothing live, a free allocates instead). */
  record Op(boolean alloc, int cpu, int order, int gfp, int victim) {
    @Override
    public String toString() {
      return alloc ? "alloc(cpu " + cpu + ", order " + order + ", " + Gfp.format(GFPS[gfp]) + ")"
          : "free(cpu " + cpu + ", live #" + victim + ")";
    }
  }

  @Test
  void buddy() {
    check("buddy", (arch, m) -> Allocators.buddy(arch, m, Fixtures.GFP_SENSITIVE, BuddyConfig.defaults(false), ""), false);
  }

  @Test
  void pageblockMigratetype() {
    check("pageblock-migratetype",
        (arch, m) -> Allocators.buddy(arch, m, Fixtures.GFP_SENSITIVE, BuddyConfig.defaults(true), ""), true);
  }

  @Test
  void unmappedPool() {
    check("unmapped-pool", (arch, m) -> Allocators.unmappedPool(
        Allocators.buddy(arch, m, Fixtures.GFP_SENSITIVE, BuddyConfig.defaults(false), ""),
        m, Fixtures.GFP_SENSITIVE, Sensitivity.SENSITIVE, false, 9, 128), true);
  }

  private static void check(String name, BiFunction<FakeArch, Metrics, PageAllocator> build, boolean asi) {
    for (int seed = 0; seed < SEQUENCES; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed * 31L + name.hashCode());
      long frames = (64L << 20 >>> 12) * (1 + rnd.nextInt(3)); // 64, 128 or 192 MiB
      List<Op> ops = generate(rnd);
      String failure = run(build, asi, frames, ops);
      if (failure != null) {
        List<Op> min = Shrink.minimize(ops, o -> run(build, asi, frames, o) != null, 3000);
        throw new AssertionError(name + " seed " + seed + ", " + (frames >> 8) + " MiB: " + run(build, asi, frames, min)
            + "; minimal sequence of " + min.size() + ": " + min);
      }
    }
  }

  static List<Op> generate(SplittableRandom rnd) {
    List<Op> ops = new ArrayList<>();
    int n = rnd.nextInt(400);
    int allocPercent = 40 + rnd.nextInt(50);
    for (int i = 0; i < n; i++) {
      int r = rnd.nextInt(100);
      int order = r < 50 ? 0 : r < 65 ? 1 + rnd.nextInt(3) : r < 85 ? 4 + rnd.nextInt(5) : 9 + rnd.nextInt(2);
      ops.add(new Op(rnd.nextInt(100) < allocPercent, rnd.nextInt(4), order, rnd.nextInt(GFPS.length),
          rnd.nextInt(1 << 20)));
    }
    return ops;
  }

  /** Null when every step holds, else the first violation. */
  static String run(BiFunction<FakeArch, Metrics, PageAllocator> build, boolean asi, long frames, List<Op> ops) {
    FakeArch arch = new FakeArch(4, frames, RESERVED);
    PageAllocator a = build.apply(arch, new Metrics());
    long managed = a.freePages();
    if (managed != frames - RESERVED) {
      return "a fresh allocator has " + managed + " free pages, not " + (frames - RESERVED);
    }
    BitSet held = new BitSet((int) frames);
    List<long[]> live = new ArrayList<>();
    long heldPages = 0;
    int step = 0;
    try {
      for (Op op : ops) {
        step++;
        if (op.alloc() || live.isEmpty()) {
          int gfp = GFPS[op.gfp()];
          long pfn = a.alloc(op.cpu(), op.order(), gfp);
          if (pfn != PageAllocator.NO_PAGE) {
            long size = 1L << op.order();
            if (pfn < RESERVED || pfn + size > frames || (pfn & (size - 1)) != 0) {
              return "step " + step + " " + op + ": block " + pfn + " misplaced (reserved " + RESERVED + ", frames " + frames + ")";
            }
            int clash = held.nextSetBit((int) pfn);
            if (clash >= 0 && clash < pfn + size) {
              return "step " + step + " " + op + ": block " + pfn + " overlaps held frame " + clash;
            }
            if ((gfp & Gfp.__GFP_DMA32) != 0 && pfn + size > ZoneSpan.MAX_DMA32_PFN) {
              return "step " + step + " " + op + ": DMA32 request got " + pfn;
            }
            if (asi && a.sensitivity(pfn) != Fixtures.GFP_SENSITIVE.classify(gfp)) {
              return "step " + step + " " + op + ": block " + pfn + " is " + a.sensitivity(pfn);
            }
            held.set((int) pfn, (int) (pfn + size));
            live.add(new long[] {pfn, op.order()});
            heldPages += size;
          }
        } else {
          int i = op.victim() % live.size();
          long[] b = live.get(i);
          live.set(i, live.get(live.size() - 1));
          live.remove(live.size() - 1);
          a.free(op.cpu(), b[0], (int) b[1]);
          held.clear((int) b[0], (int) (b[0] + (1L << b[1])));
          heldPages -= 1L << b[1];
        }
        if (a.freePages() != managed - heldPages) {
          return "step " + step + " " + op + ": " + a.freePages() + " free pages, reference " + (managed - heldPages);
        }
        if (step % 16 == 0 && a.checkConsistency() != null) {
          return "step " + step + " " + op + ": " + a.checkConsistency();
        }
      }
      for (int i = live.size() - 1; i >= 0; i--) {
        a.free(i & 3, live.get(i)[0], (int) live.get(i)[1]);
      }
    } catch (RuntimeException e) {
      return "step " + step + ": " + e;
    }
    if (a.freePages() != managed) {
      return "after freeing everything " + a.freePages() + " free pages, not all " + managed;
    }
    return a.checkConsistency() == null ? null : "after freeing everything: " + a.checkConsistency();
  }
}
