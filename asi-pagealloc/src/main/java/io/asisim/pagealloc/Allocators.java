package io.asisim.pagealloc;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.pagealloc.proc.PagetypeInfo;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the allocators of this module, for the plugins, tests and embedders: zones from the
 * machine size ({@link ZoneSpan#x86}, with ZONE_MOVABLE by {@link ZoneMovable}) or from a real /proc/pagetypeinfo ({@code initial-state}),
 * then either {@code memblock_free_all()} or the seeded free state.
 */
public final class Allocators {
  /**
   * The largest machine, in 4 KiB frames (64 GiB), whose allocators keep a dense frame table of 9
   * bytes per frame from boot; above it the table is populated per pageblock as the run splits
   * them (see FrameTable). Public for heap estimates.
   */
  public static final long DENSE_FRAME_TABLE_MAX_FRAMES = FrameTable.DENSE_MAX_FRAMES;
  /** Heap per frame of the dense table and of a populated pageblock: a link and a state byte. */
  public static final int FRAME_TABLE_BYTES_PER_FRAME = FrameTable.BYTES_PER_FRAME;

  private Allocators() {}

  /** Parameters every allocator plugin declares. */
  static List<ParamSpec> commonParams() {
    return List.of(
        ParamSpec.string("initial-state", "",
            "path to a real /proc/pagetypeinfo whose free pages per zone/order/migratetype are reproduced at boot (empty: free all memory)"),
        ParamSpec.integer("min-free-kbytes", 0, 0, 1L << 22,
            "vm.min_free_kbytes; 0 computes it as calculate_min_free_kbytes() and set_recommended_min_free_kbytes() do"),
        ParamSpec.integer("watermark-scale-factor", 10, 1, 3000, "vm.watermark_scale_factor (kernel default 10)"),
        ParamSpec.integer("watermark-boost-factor", BuddyConfig.DEFAULT_WATERMARK_BOOST_FACTOR, 0, 1_000_000,
            "vm.watermark_boost_factor: a fallback that claims part of a pageblock raises the zone's watermarks by a "
                + "pageblock, up to this many ten-thousandths of the high mark, and wakes kswapd (0: off)"),
        ParamSpec.bool("compaction", true,
            "CONFIG_COMPACTION: a high-order request that fails compacts the zone (mm/compaction.c) before and after "
                + "reclaim, migrating movable pages the kernel can move"),
        ParamSpec.integer("compaction-proactiveness", FragmentationScore.DEFAULT_PROACTIVENESS, 0, 100,
            "vm.compaction_proactiveness: every 500 ms kcompactd compacts whole zones while the node's fragmentation "
                + "score (free memory in blocks below order 9, in %) is above max(100 - N, 5) + 10 (at most 100), down to "
                + "max(100 - N, 5) (0: off)"),
        ParamSpec.bool("thp", true,
            "CONFIG_TRANSPARENT_HUGEPAGE: khugepaged raises min_free_kbytes by set_recommended_min_free_kbytes()"),
        ParamSpec.size("cma", "0", 0, 1L << 40, "CMA area at the top of the highest zone (MIGRATE_CMA pageblocks)"),
        ParamSpec.size("kernelcore", "0", 0, 1L << 50,
            "kernelcore= boot parameter: memory usable by every allocation; the rest, from the top, becomes ZONE_MOVABLE "
                + "(find_zone_movable_pfns_for_nodes(); 0: not given)"),
        ParamSpec.size("movablecore", "0", 0, 1L << 50,
            "movablecore= boot parameter: ZONE_MOVABLE at the top of memory, rounded up to 4 MiB, where only "
                + "__GFP_HIGHMEM|__GFP_MOVABLE (user, page cache, THP) allocations go (0: no ZONE_MOVABLE)"),
        ParamSpec.integer("cost-pcp", BuddyConfig.DEFAULT_COST_PCP, 0, 1_000_000,
            "cycles of a pcp-list allocation or free (estimate: a few cache lines, no lock)"),
        ParamSpec.integer("cost-buddy", BuddyConfig.DEFAULT_COST_BUDDY, 0, 1_000_000,
            "cycles per block of a zone->lock path: buddy alloc/free, pcp refill or drain (estimate)"),
        ParamSpec.integer("cost-fallback", BuddyConfig.DEFAULT_COST_FALLBACK, 0, 10_000_000,
            "extra cycles of a migratetype fallback, claim or steal (estimate: scans a pageblock)"));
  }

  static BuddyConfig config(Params p, boolean asi) {
    long cmaBytes = p.getLong("cma");
    if (cmaBytes % (2L << 20) != 0) {
      throw new IllegalArgumentException("cma must be a multiple of 2M, got " + cmaBytes);
    }
    return new BuddyConfig(asi, (int) (cmaBytes >>> 21), p.getBoolean("thp"), p.getLong("min-free-kbytes"),
        p.getInt("watermark-scale-factor"), p.getLong("cost-pcp"), p.getLong("cost-buddy"), p.getLong("cost-fallback"),
        p.getInt("watermark-boost-factor"), p.getBoolean("compaction"), p.getInt("compaction-proactiveness"),
        p.getLong("kernelcore"), p.getLong("movablecore"));
  }

  /**
   * A plain ({@code asiPageblock} false) or pageblock-migratetype buddy allocator.
   *
   * @param initialState path of a /proc/pagetypeinfo, or empty
   */
  public static BuddyAllocator buddy(ArchPageOps arch, Metrics metrics, SensitivityClassifier classifier,
      BuddyConfig cfg, String initialState) {
    if (initialState == null || initialState.isBlank()) {
      BuddyAllocator a = new BuddyAllocator(arch, metrics, classifier, cfg,
          ZoneMovable.spans(arch.nrFrames(), cfg.kernelcoreBytes(), cfg.movablecoreBytes()));
      a.freeAllBootMemory();
      return a;
    }
    PagetypeInfo info = PagetypeInfo.read(Path.of(initialState));
    return seeded(arch, metrics, classifier, cfg, info, initialState);
  }

  /** A buddy allocator seeded from parsed pagetypeinfo. */
  public static BuddyAllocator seeded(ArchPageOps arch, Metrics metrics, SensitivityClassifier classifier,
      BuddyConfig cfg, PagetypeInfo info, String where) {
    if (cfg.cmaPageblocks() > 0) {
      throw new IllegalArgumentException(where + ": cma cannot be combined with an initial state (its CMA pageblocks come from the file)");
    }
    if (cfg.kernelcoreBytes() > 0 || cfg.movablecoreBytes() > 0) {
      throw new IllegalArgumentException(where + ": kernelcore/movablecore cannot be combined with an initial state "
          + "(its zones, a Movable one included, come from the file)");
    }
    BuddyAllocator a = new BuddyAllocator(arch, metrics, classifier, cfg,
        InitialState.zoneSpans(info, arch.nrFrames(), where));
    InitialState.seed(a, info, where);
    return a;
  }

  /** The unmapped-pool strategy over a plain buddy. */
  public static UnmappedPoolAllocator unmappedPool(BuddyAllocator main, Metrics metrics,
      SensitivityClassifier classifier, Sensitivity pooled, boolean unmapDirectMap, int shrinkMinOrder, int shrinkBatch) {
    if (main.asi) {
      throw new IllegalArgumentException("the unmapped pool sits on a plain buddy allocator");
    }
    return new UnmappedPoolAllocator(main, metrics, classifier, pooled, unmapDirectMap, shrinkMinOrder, shrinkBatch);
  }

  /** The memory size a /proc/pagetypeinfo implies; see {@link PagetypeInfo#impliedMemoryBytes}. */
  public static long impliedMemoryBytes(Path pagetypeinfo) {
    return PagetypeInfo.impliedMemoryBytes(pagetypeinfo);
  }
}
