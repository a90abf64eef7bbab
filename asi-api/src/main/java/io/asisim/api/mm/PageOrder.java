package io.asisim.api.mm;

/** Order and pageblock constants of x86-64 Linux (include/linux/mmzone.h, pageblock-flags.h). */
public final class PageOrder {
  private PageOrder() {}

  /** {@code MAX_PAGE_ORDER}: the largest buddy order (4 MiB blocks). */
  public static final int MAX_PAGE_ORDER = 10;

  /** {@code NR_PAGE_ORDERS}. */
  public static final int NR_PAGE_ORDERS = MAX_PAGE_ORDER + 1;

  /** {@code pageblock_order} on x86-64 with 2 MiB huge pages. */
  public static final int PAGEBLOCK_ORDER = 9;

  /** {@code pageblock_nr_pages}. */
  public static final int PAGEBLOCK_NR_PAGES = 1 << PAGEBLOCK_ORDER;

  /**
   * {@code SWAP_CLUSTER_MAX}: the batch of reclaim ({@code shrink_folio_list()}) and of compaction's
   * isolation ({@code COMPACT_CLUSTER_MAX}, defined as it).
   */
  public static final int SWAP_CLUSTER_MAX = 32;

  /** {@code PAGE_ALLOC_COSTLY_ORDER}: orders above this are "costly" and not kept on pcp lists. */
  public static final int PAGE_ALLOC_COSTLY_ORDER = 3;

  /** The pageblock index of {@code pfn}. */
  public static long pageblock(long pfn) {
    return pfn >>> PAGEBLOCK_ORDER;
  }
}
