package io.asisim.pagealloc;

/**
 * The per-request state of one allocation: the kernel's {@code struct alloc_context}
 * (mm/internal.h: {@code highest_zoneidx}, {@code migratetype}) plus what is fixed for the request
 * beside it ({@code gfp_mask}, the CPU), the ASI series' sensitivity index, the {@code rmqueue_mode}
 * that {@code rmqueue_bulk()} passes to {@code __rmqueue()} by pointer, and the request's outcome
 * flags. The {@code alloc_flags} of a pass are not here: page_alloc.c passes them as an argument
 * ({@code get_page_from_freelist(gfp, order, alloc_flags, ac)}), and so does the model.
 *
 * <p>Mutable and reused: the allocator owns one instance, {@link #reset} at each entry point
 * ({@code __alloc_pages_noprof()}) and passes it explicitly down the call chain, so the hot path
 * allocates nothing and no callee reads request state from allocator fields.
 */
final class AllocContext {
  /**
   * The zones' free areas the request allocates from (the kernel's {@code ac->zonelist}). Every
   * section reaches the shared lists through this one reference, so that after inlining the JIT
   * loads the frame table and its arrays once per request and bounds-checks them once; through a
   * reference held by each section it cannot tell they are the same arrays (PageAllocBench's
   * inlined order-10 alloc+free loop: 376 instructions that way, 324 this way).
   */
  final FreeArea fa;

  // rmqueue_mode of __rmqueue()
  static final int RMQUEUE_NORMAL = 0;
  static final int RMQUEUE_CMA = 1;
  static final int RMQUEUE_CLAIM = 2;
  static final int RMQUEUE_STEAL = 3;

  /** The request's {@code gfp_mask}. */
  int gfp;
  /** The CPU the request runs on (its pcp lists, whom costs are charged to). */
  int cpu;
  /** {@code ac->highest_zoneidx}: {@code gfp_zone(gfp_mask)}. */
  int highestZoneIdx;
  /** {@code ac->migratetype}: {@code gfp_migratetype(gfp_mask)}, a pcp type. */
  int migratetype;
  /** The sensitivity index of the request's freetypes (0 without ASI). */
  int sens;
  /** {@code enum rmqueue_mode} carried between the {@code __rmqueue()} calls of one bulk refill. */
  int rmqueueMode;
  /** Whether a flip of the other sensitivity was refused because the request may not block. */
  boolean flipRefused;
  /** The request entered the slow path with {@code ALLOC_KSWAPD}: {@code wake_all_kswapds()}. */
  boolean wokeKswapd;
  /** The retry after the caller's direct reclaim ({@code PageAllocator.allocAfterReclaim}): compaction runs at SYNC_LIGHT. */
  boolean afterReclaim;
  /** The {@code enum compact_result} of the request's last direct compaction ({@code COMPACT_SKIPPED} before one). */
  int compactResult;
  /**
   * The slow path gave up before direct reclaim ({@code goto nopage} for a costly
   * {@code __GFP_NORETRY} request whose first compaction was skipped or deferred).
   */
  boolean noReclaim;

  AllocContext(FreeArea fa) {
    this.fa = fa;
  }

  /** Starts a request: everything else is set by {@code prepare_alloc_pages()} and the passes. */
  AllocContext reset(int cpu, int gfp, int sens) {
    this.cpu = cpu;
    this.gfp = gfp;
    this.sens = sens;
    // highest_zoneidx and migratetype are set by prepare_alloc_pages(), rmqueue_mode before each use
    this.flipRefused = false;
    this.wokeKswapd = false;
    this.afterReclaim = false;
    this.compactResult = Compaction.COMPACT_SKIPPED;
    this.noReclaim = false;
    return this;
  }
}
