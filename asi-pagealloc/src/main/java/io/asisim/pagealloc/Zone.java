package io.asisim.pagealloc;

/**
 * One {@code struct zone}: its pfn span, {@code free_area[order].free_list[freetype]} heads, tails
 * and lengths (intrusive links live in {@link FrameTable}), {@code nr_free} per order,
 * {@code NR_FREE_PAGES}, watermarks, {@code lowmem_reserve[]}, {@code nr_reserved_highatomic} and
 * the per-CPU pageset ({@code struct per_cpu_pages}) of every CPU.
 *
 * <p>A freetype is the index of Jackman's ASI series ("mm/asi: encode sensitivity in freetypes and
 * pageblocks"): {@code MIGRATE_TYPES * sensitive + migratetype}; without ASI there is one
 * sensitivity and a freetype is a migratetype.
 */
final class Zone {
  static final int NIL = -1;

  /** {@code ZONE_DMA}, {@code ZONE_DMA32}, {@code ZONE_NORMAL} or {@code ZONE_MOVABLE}. */
  final int index;
  final String name;
  final int startPfn;
  final int endPfn;
  final int nrFreetypes;

  /** Pages the buddy allocator manages ({@code zone_managed_pages()}): span minus memblock reserved. */
  long managedPages;

  /** The {@code free_area[].free_list[]} heads, tails and lengths: a {@link FrameTable} list table. */
  final int[] free;
  final long[] nrFree = new long[FrameTable.NR_PAGE_ORDERS];
  /** {@code NR_FREE_PAGES}: pages on the buddy free lists (not on pcp lists). */
  long freePages;
  /** Pages on the isolate lists (the free pages {@link #freePages} leaves out). */
  long isolatedPages;

  long wmarkMin;
  long wmarkLow;
  long wmarkHigh;
  /** {@code zone->watermark_boost}: added to every mark ({@code wmark_pages()}) until kswapd has reclaimed it. */
  long watermarkBoost;
  /** {@code ZONE_BOOSTED_WATERMARK}: a boost happened; the next {@code rmqueue()} with ALLOC_KSWAPD wakes kswapd. */
  boolean boostedWatermark;
  /** {@code lowmem_reserve[highest_zoneidx]}, one per {@code MAX_NR_ZONES}. */
  final long[] lowmemReserve = new long[io.asisim.api.mm.Gfp.MAX_NR_ZONES];
  long nrReservedHighatomic;

  // ---- compaction (struct zone's CONFIG_COMPACTION fields; Compaction) ----
  /** {@code compact_cached_migrate_pfn[]} (one for both modes here): where the migrate scanner resumes; -1 unset. */
  int compactCachedMigratePfn = -1;
  /** {@code compact_cached_free_pfn}: where the free scanner resumes; -1 unset. */
  int compactCachedFreePfn = -1;
  /** {@code compact_considered}, {@code compact_defer_shift}, {@code compact_order_failed}. */
  int compactConsidered;
  int compactDeferShift;
  int compactOrderFailed;

  // ---- per-cpu pagesets: lists indexed by cpu * nrPcpLists + pindex ----
  final int nrPcpLists;
  /** The pcp lists of every CPU: a {@link FrameTable} list table. */
  final int[] pcp;
  /** {@code pcp->count} in pages, per CPU. */
  final int[] pcpCount;
  /** The sum of {@link #pcpCount} over the CPUs, kept with it so the free total is O(zones). */
  long pcpPages;
  /** {@code pcp->free_count}, per CPU. */
  final int[] pcpFreeCount;
  int pcpBatch;
  int pcpHigh;

  Zone(int index, String name, int startPfn, int endPfn, int nrFreetypes, int nrSensitivities, int nrCpus) {
    this.index = index;
    this.name = name;
    this.startPfn = startPfn;
    this.endPfn = endPfn;
    this.nrFreetypes = nrFreetypes;
    int lists = FrameTable.NR_PAGE_ORDERS * nrFreetypes;
    free = FrameTable.newLists(lists);
    nrPcpLists = nrSensitivities * FrameTable.NR_LOWORDER_PCP_LISTS;
    pcp = FrameTable.newLists(nrCpus * nrPcpLists);
    pcpCount = new int[nrCpus];
    pcpFreeCount = new int[nrCpus];
  }

  int spannedPages() {
    return endPfn - startPfn;
  }

  boolean contains(int pfn) {
    return pfn >= startPfn && pfn < endPfn;
  }

  /** Index of {@code free_area[order].free_list[freetype]}. */
  int list(int order, int freetype) {
    return order * nrFreetypes + freetype;
  }

  /** {@code free_area_empty()}. */
  boolean freeAreaEmpty(int order, int freetype) {
    return freeHead(list(order, freetype)) == NIL;
  }

  /** First block of free list {@code l} ({@link #list}), or {@link #NIL}. */
  int freeHead(int l) {
    return FrameTable.head(free, l);
  }

  int freeTail(int l) {
    return FrameTable.tail(free, l);
  }

  /** Blocks on free list {@code l}. */
  int freeLen(int l) {
    return FrameTable.len(free, l);
  }

  /** First page of pcp list {@code l} ({@code cpu * nrPcpLists + pindex}), or {@link #NIL}. */
  int pcpHead(int l) {
    return FrameTable.head(pcp, l);
  }

  int pcpTail(int l) {
    return FrameTable.tail(pcp, l);
  }

  int pcpLen(int l) {
    return FrameTable.len(pcp, l);
  }
}
