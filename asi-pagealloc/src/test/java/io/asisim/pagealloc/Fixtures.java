package io.asisim.pagealloc;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.fixtures.FakeArch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.function.ToIntFunction;

/** Small machines for hand-checked scenarios. */
final class Fixtures {
  private Fixtures() {}

  /** The RFC's rule: sensitive iff {@code __GFP_SENSITIVE}. */
  static final SensitivityClassifier GFP_SENSITIVE =
      gfp -> (gfp & Gfp.__GFP_SENSITIVE) != 0 ? Sensitivity.SENSITIVE : Sensitivity.NONSENSITIVE;

  /**
   * Watermarks that never get in the way of a hand-checked scenario: min_free_kbytes 1 (0 pages,
   * below the kernel's floor of 128) and watermark_scale_factor 1, so min = low = high = 0 in a
   * 16 MiB zone and only {@code (1 << order) - 1} unusable pages remain in the check.
   */
  static BuddyConfig tinyWatermarks(boolean asi) {
    return new BuddyConfig(asi, 0, false, 1, 1, 100, 400, 1500);
  }

  /** One DMA32 zone of {@code frames} frames from pfn 0 (no Normal zone, so no ALLOC_NOFRAGMENT). */
  static BuddyAllocator singleZone(FakeArch arch, Metrics m, boolean asi) {
    BuddyAllocator a = new BuddyAllocator(arch, m, GFP_SENSITIVE, tinyWatermarks(asi),
        List.of(new ZoneSpan(1, "DMA32", 0, arch.nrFrames())));
    a.freeAllBootMemory();
    return a;
  }

  /** Free blocks of {@code freetype} at {@code order} in the only zone. */
  static int count(BuddyAllocator a, int order, int freetype) {
    Zone z = a.zones[0];
    return z.freeLen(z.list(order, freetype));
  }

  /**
   * {@code ops} random steps on {@code cpus} CPUs: allocate (60 %, an order from {@code order},
   * kernel or movable user memory) or free a random block held; {@code afterOp} sees each step's
   * index.
   */
  static void randomTraffic(BuddyAllocator a, SplittableRandom r, int ops, int cpus,
      ToIntFunction<SplittableRandom> order, IntConsumer afterOp) {
    List<long[]> held = new ArrayList<>();
    for (int i = 0; i < ops; i++) {
      if (held.isEmpty() || r.nextInt(10) < 6) {
        int o = order.applyAsInt(r);
        long p = a.alloc(r.nextInt(cpus), o, r.nextBoolean() ? Gfp.GFP_KERNEL : Gfp.GFP_HIGHUSER_MOVABLE);
        if (p >= 0) {
          held.add(new long[] {p, o});
        }
      } else {
        long[] b = held.remove(r.nextInt(held.size()));
        a.free(r.nextInt(cpus), b[0], (int) b[1]);
      }
      afterOp.accept(i);
    }
  }
}
