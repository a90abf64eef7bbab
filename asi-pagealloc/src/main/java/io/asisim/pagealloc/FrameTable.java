package io.asisim.pagealloc;

import io.asisim.api.mm.Migratetype;
import io.asisim.api.mm.PageOrder;

/**
 * Per-frame and per-pageblock state as primitive arrays (the model's {@code struct page} and
 * {@code pageblock_flags}): an intrusive doubly linked list link pair per frame (a free block, pcp
 * page or pool block is on exactly one list through its head frame), a state byte per frame, and a
 * flags byte per pageblock. 9 bytes per 4 KiB frame: a 1 TiB machine needs 2.4 GiB.
 *
 * <p>State byte of a frame: {@code 0} for a tail frame, a reserved frame or an unmanaged frame;
 * for a block head the low four bits are the order and the high bits say where the block is —
 * {@link #BUDDY} ({@code PageBuddy}, on a zone free list), {@link #PCP} (on a pcp list),
 * {@link #POOL} (free in the unmapped pool), {@link #ALLOC} (handed out; {@link #MOVABLE_ALLOC}
 * when it was a movable allocation, counted by {@code prep_move_freepages_block()}).
 *
 * <p>Pageblock flags: the migratetype in bits 0..2 ({@code PB_migrate_0..2}) and
 * {@link #PB_NONSENSITIVE} ({@code PB_nonsensitive} of Jackman's ASI series; 0 = sensitive, which
 * is the boot state).
 */
final class FrameTable {
  static final int NR_PAGE_ORDERS = PageOrder.NR_PAGE_ORDERS;
  static final int MAX_ORDER = PageOrder.MAX_PAGE_ORDER;
  static final int PB_ORDER = PageOrder.PAGEBLOCK_ORDER;
  static final int PB_PAGES = PageOrder.PAGEBLOCK_NR_PAGES;
  static final int MIGRATE_TYPES = Migratetype.MIGRATE_TYPES;
  /** {@code NR_LOWORDER_PCP_LISTS = MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1)}. */
  static final int NR_LOWORDER_PCP_LISTS = Migratetype.MIGRATE_PCPTYPES * (PageOrder.PAGE_ALLOC_COSTLY_ORDER + 1);

  static final int ORDER_MASK = 0x0f;
  static final int MOVABLE_ALLOC = 0x10;
  static final int ALLOC = 0x20;
  static final int BUDDY = 0x40;
  static final int PCP = 0x80;
  static final int POOL = 0xc0;
  static final int WHERE_MASK = 0xc0;

  static final int PB_MT_MASK = 0x07;
  static final int PB_NONSENSITIVE = 0x08;

  final int nrFrames;
  final int[] next;
  final int[] prev;
  final byte[] state;
  final byte[] pageblock;

  FrameTable(long nrFrames) {
    if (nrFrames > Integer.MAX_VALUE - PB_PAGES) {
      throw new IllegalArgumentException("at most 8 TiB of simulated memory");
    }
    this.nrFrames = (int) nrFrames;
    next = new int[this.nrFrames];
    prev = new int[this.nrFrames];
    state = new byte[this.nrFrames];
    pageblock = new byte[(this.nrFrames + PB_PAGES - 1) >>> PB_ORDER];
  }

  int stateOf(int pfn) {
    return state[pfn] & 0xff;
  }

  boolean isBuddy(int pfn, int order) {
    return (state[pfn] & 0xff) == (BUDDY | order);
  }

  int pbMigratetype(int pfn) {
    return pageblock[pfn >>> PB_ORDER] & PB_MT_MASK;
  }

  boolean pbNonsensitive(int pfn) {
    return (pageblock[pfn >>> PB_ORDER] & PB_NONSENSITIVE) != 0;
  }

  void setPbMigratetype(int pfn, int mt) {
    int i = pfn >>> PB_ORDER;
    pageblock[i] = (byte) ((pageblock[i] & ~PB_MT_MASK) | mt);
  }

  void setPbNonsensitive(int pfn, boolean nonsensitive) {
    int i = pfn >>> PB_ORDER;
    pageblock[i] = (byte) (nonsensitive ? pageblock[i] | PB_NONSENSITIVE : pageblock[i] & ~PB_NONSENSITIVE);
  }

  /** Adds {@code pfn} to list {@code l} of the given head/tail/len arrays, at the head or tail. */
  void listAdd(int[] head, int[] tail, int[] len, int l, int pfn, boolean toTail) {
    if (toTail) {
      int t = tail[l];
      next[pfn] = Zone.NIL;
      prev[pfn] = t;
      if (t == Zone.NIL) {
        head[l] = pfn;
      } else {
        next[t] = pfn;
      }
      tail[l] = pfn;
    } else {
      int h = head[l];
      prev[pfn] = Zone.NIL;
      next[pfn] = h;
      if (h == Zone.NIL) {
        tail[l] = pfn;
      } else {
        prev[h] = pfn;
      }
      head[l] = pfn;
    }
    len[l]++;
  }

  /** Unlinks {@code pfn} from list {@code l}. */
  void listDel(int[] head, int[] tail, int[] len, int l, int pfn) {
    int n = next[pfn];
    int p = prev[pfn];
    if (p == Zone.NIL) {
      head[l] = n;
    } else {
      next[p] = n;
    }
    if (n == Zone.NIL) {
      tail[l] = p;
    } else {
      prev[n] = p;
    }
    len[l]--;
  }
}
