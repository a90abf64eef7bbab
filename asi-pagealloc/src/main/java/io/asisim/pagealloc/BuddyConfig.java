package io.asisim.pagealloc;

/**
 * Tunables of the buddy allocator.
 *
 * @param asiPageblock whether free lists are doubled by sensitivity and pageblocks flip (the
 *     {@code pageblock-migratetype} strategy)
 * @param cmaPageblocks pageblocks reserved as {@code MIGRATE_CMA} at the top of the highest zone
 * @param thpMinFree apply {@code set_recommended_min_free_kbytes()} (mm/khugepaged.c), as a kernel
 *     with {@code CONFIG_TRANSPARENT_HUGEPAGE} does when khugepaged starts
 * @param minFreeKbytes {@code vm.min_free_kbytes}; 0 computes it as the kernel does
 * @param watermarkScaleFactor {@code vm.watermark_scale_factor} (default 10)
 * @param costPcp cycles of an order-0..3 allocation or free served by the pcp lists
 * @param costBuddy cycles of a zone-lock path (buddy allocation/free, pcp refill or drain per block)
 * @param costFallback extra cycles of a migratetype fallback (claim or steal)
 * @param watermarkBoostFactor {@code vm.watermark_boost_factor} (kernel default 15000; 0 turns
 *     {@code boost_watermark()} off)
 * @param compaction {@code CONFIG_COMPACTION}: direct compaction in the slow path, once the kernel
 *     has attached its page migration ({@code PageAllocator.attachMigration})
 * @param compactionProactiveness {@code vm.compaction_proactiveness} (0..100, kernel default 20; 0
 *     turns kcompactd's proactive compaction off)
 * @param kernelcoreBytes the {@code kernelcore=} boot parameter in bytes (0: not given); with
 *     {@code movablecoreBytes} it sizes ZONE_MOVABLE ({@link ZoneMovable})
 * @param movablecoreBytes the {@code movablecore=} boot parameter in bytes (0: not given, so no
 *     ZONE_MOVABLE unless {@code kernelcoreBytes} asks for one)
 */
public record BuddyConfig(
    boolean asiPageblock,
    int cmaPageblocks,
    boolean thpMinFree,
    long minFreeKbytes,
    int watermarkScaleFactor,
    long costPcp,
    long costBuddy,
    long costFallback,
    int watermarkBoostFactor,
    boolean compaction,
    int compactionProactiveness,
    long kernelcoreBytes,
    long movablecoreBytes) {

  /** Without ZONE_MOVABLE (no {@code kernelcore=} nor {@code movablecore=}). */
  public BuddyConfig(boolean asiPageblock, int cmaPageblocks, boolean thpMinFree, long minFreeKbytes,
      int watermarkScaleFactor, long costPcp, long costBuddy, long costFallback, int watermarkBoostFactor,
      boolean compaction, int compactionProactiveness) {
    this(asiPageblock, cmaPageblocks, thpMinFree, minFreeKbytes, watermarkScaleFactor, costPcp, costBuddy, costFallback,
        watermarkBoostFactor, compaction, compactionProactiveness, 0, 0);
  }

  /** This configuration with {@code kernelcore=}/{@code movablecore=} of {@code kernelcore}/{@code movablecore} bytes. */
  public BuddyConfig withCore(long kernelcore, long movablecore) {
    return new BuddyConfig(asiPageblock, cmaPageblocks, thpMinFree, minFreeKbytes, watermarkScaleFactor, costPcp,
        costBuddy, costFallback, watermarkBoostFactor, compaction, compactionProactiveness, kernelcore, movablecore);
  }

  /** With the kernel's default {@code vm.compaction_proactiveness}. */
  public BuddyConfig(boolean asiPageblock, int cmaPageblocks, boolean thpMinFree, long minFreeKbytes,
      int watermarkScaleFactor, long costPcp, long costBuddy, long costFallback, int watermarkBoostFactor,
      boolean compaction) {
    this(asiPageblock, cmaPageblocks, thpMinFree, minFreeKbytes, watermarkScaleFactor, costPcp, costBuddy, costFallback,
        watermarkBoostFactor, compaction, FragmentationScore.DEFAULT_PROACTIVENESS);
  }

  /** {@code vm.watermark_boost_factor}'s default (mm/page_alloc.c). */
  public static final int DEFAULT_WATERMARK_BOOST_FACTOR = 15000;

  /** With compaction, as the kernel is built. */
  public BuddyConfig(boolean asiPageblock, int cmaPageblocks, boolean thpMinFree, long minFreeKbytes,
      int watermarkScaleFactor, long costPcp, long costBuddy, long costFallback, int watermarkBoostFactor) {
    this(asiPageblock, cmaPageblocks, thpMinFree, minFreeKbytes, watermarkScaleFactor, costPcp, costBuddy, costFallback,
        watermarkBoostFactor, true);
  }

  /** Without watermark boosting ({@code watermark_boost_factor} 0): hand-checked scenarios that do not test it. */
  public BuddyConfig(boolean asiPageblock, int cmaPageblocks, boolean thpMinFree, long minFreeKbytes,
      int watermarkScaleFactor, long costPcp, long costBuddy, long costFallback) {
    this(asiPageblock, cmaPageblocks, thpMinFree, minFreeKbytes, watermarkScaleFactor, costPcp, costBuddy, costFallback, 0);
  }

  /** Estimates (not measured on hardware; see the plugin parameter descriptions). */
  public static final long DEFAULT_COST_PCP = 100;
  public static final long DEFAULT_COST_BUDDY = 400;
  public static final long DEFAULT_COST_FALLBACK = 1500;

  /** Defaults for a plain buddy. */
  public static BuddyConfig defaults(boolean asiPageblock) {
    return new BuddyConfig(asiPageblock, 0, true, 0, 10, DEFAULT_COST_PCP, DEFAULT_COST_BUDDY, DEFAULT_COST_FALLBACK,
        DEFAULT_WATERMARK_BOOST_FACTOR);
  }
}
