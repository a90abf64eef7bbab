package io.asisim.pagealloc;

/**
 * {@code struct compact_control} (mm/internal.h): one compaction run's request, scanner positions
 * and isolated pages, reset per zone compacted and passed to every step. One instance is reused
 * (single-threaded allocator), so a run allocates nothing once the lists have grown.
 */
final class CompactControl {
  Zone zone;
  /** The requested order ({@code cc->order}). */
  int order;
  int allocFlags;
  /** {@code enum compact_priority}: {@link CompactionHook#COMPACT_PRIO_ASYNC} is {@code MIGRATE_ASYNC}. */
  int prio;
  int cpu;
  /** The request's sensitivity index (0 without ASI). */
  int sens;
  int highestZoneIdx;
  int migratetype;
  /** {@code cc->migrate_pfn}, {@code cc->free_pfn}. */
  int migratePfn;
  int freePfn;
  /** {@code cc->proactive_compaction}: a run of {@code proactive_compact_node()}, which ends on the zone's fragmentation score. */
  boolean proactive;
  /** {@code cc->whole_zone}: the run started with both scanners at the zone's ends. */
  boolean wholeZone;
  /** {@code cc->migratepages}: the isolated sources, {@code nrMigratepages} of them. */
  final int[] migratepages = new int[Compaction.COMPACT_CLUSTER_MAX];
  int nrMigratepages;
  /**
   * {@code cc->freepages[order]}: the isolated free blocks per sensitivity and order, as deques of
   * pfns ({@code isolate_freepages_block()} adds at the tail, {@code compaction_alloc()} takes the
   * first block of the smallest order and puts the halves it splits off at the heads).
   */
  private final int[][] free;
  private final int[] head;
  private final int[] tail;
  /** Isolated free pages per sensitivity ({@code cc->nr_freepages}). */
  private final long[] freePages;
  private final int nrSens;

  CompactControl(int nrSens) {
    this.nrSens = nrSens;
    int n = nrSens * FrameTable.NR_PAGE_ORDERS;
    free = new int[n][];
    head = new int[n];
    tail = new int[n];
    for (int i = 0; i < n; i++) {
      free[i] = new int[16];
      head[i] = tail[i] = 8;
    }
    freePages = new long[nrSens];
  }

  void reset(Zone z, int order, int allocFlags, int prio, int cpu, int sens, int highest, int mt) {
    this.zone = z;
    this.order = order;
    this.allocFlags = allocFlags;
    this.prio = prio;
    this.cpu = cpu;
    this.sens = sens;
    this.highestZoneIdx = highest;
    this.migratetype = mt;
    this.nrMigratepages = 0;
    this.proactive = false;
  }

  /** Isolated free pages of sensitivity {@code s}. */
  long freePages(int s) {
    return freePages[s];
  }

  /** Whether any isolated free block of sensitivity {@code s} and {@code order} is left. */
  boolean hasFree(int s, int order) {
    int l = s * FrameTable.NR_PAGE_ORDERS + order;
    return head[l] < tail[l];
  }

  /** Appends an isolated block ({@code list_add_tail()}). */
  void addTail(int s, int pfn, int order) {
    int l = s * FrameTable.NR_PAGE_ORDERS + order;
    if (tail[l] == free[l].length) {
      recentre(l, free[l].length * 2);
    }
    free[l][tail[l]++] = pfn;
    freePages[s] += 1L << order;
  }

  /** Puts a split-off half first ({@code list_add()}). */
  void addHead(int s, int pfn, int order) {
    int l = s * FrameTable.NR_PAGE_ORDERS + order;
    if (head[l] == 0) {
      recentre(l, free[l].length * 2);
    }
    free[l][--head[l]] = pfn;
    freePages[s] += 1L << order;
  }

  /** Takes the first block of {@code order} ({@code list_first_entry()} + {@code list_del()}). */
  int takeFirst(int s, int order) {
    int l = s * FrameTable.NR_PAGE_ORDERS + order;
    freePages[s] -= 1L << order;
    return free[l][head[l]++];
  }

  private void recentre(int l, int capacity) {
    int n = tail[l] - head[l];
    int[] a = new int[capacity];
    int h = (capacity - n) / 2;
    System.arraycopy(free[l], head[l], a, h, n);
    free[l] = a;
    head[l] = h;
    tail[l] = h + n;
  }

  int nrSens() {
    return nrSens;
  }
}
