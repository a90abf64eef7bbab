package io.asisim.pagealloc;

import java.util.Arrays;

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

  /** {@code ZONE_DMA}, {@code ZONE_DMA32} or {@code ZONE_NORMAL}. */
  final int index;
  final String name;
  final int startPfn;
  final int endPfn;
  final int nrFreetypes;

  /** Pages the buddy allocator manages ({@code zone_managed_pages()}): span minus memblock reserved. */
  long managedPages;

  final int[] head;
  final int[] tail;
  final int[] listLen;
  final long[] nrFree = new long[FrameTable.NR_PAGE_ORDERS];
  /** {@code NR_FREE_PAGES}: pages on the buddy free lists (not on pcp lists). */
  long freePages;

  long wmarkMin;
  long wmarkLow;
  long wmarkHigh;
  /** {@code lowmem_reserve[highest_zoneidx]}. */
  final long[] lowmemReserve = new long[3];
  long nrReservedHighatomic;

  // ---- per-cpu pagesets: lists indexed by cpu * nrPcpLists + pindex ----
  final int nrPcpLists;
  final int[] pcpHead;
  final int[] pcpTail;
  final int[] pcpLen;
  /** {@code pcp->count} in pages, per CPU. */
  final int[] pcpCount;
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
    head = new int[lists];
    tail = new int[lists];
    listLen = new int[lists];
    Arrays.fill(head, NIL);
    Arrays.fill(tail, NIL);
    nrPcpLists = nrSensitivities * FrameTable.NR_LOWORDER_PCP_LISTS;
    pcpHead = new int[nrCpus * nrPcpLists];
    pcpTail = new int[nrCpus * nrPcpLists];
    pcpLen = new int[nrCpus * nrPcpLists];
    Arrays.fill(pcpHead, NIL);
    Arrays.fill(pcpTail, NIL);
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
    return head[list(order, freetype)] == NIL;
  }
}
