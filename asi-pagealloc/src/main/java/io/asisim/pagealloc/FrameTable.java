package io.asisim.pagealloc;

import io.asisim.api.machine.ChangeLog;
import io.asisim.api.mm.Migratetype;
import io.asisim.api.mm.PageOrder;

/**
 * Per-frame and per-pageblock state as primitive arrays (the model's {@code struct page} and
 * {@code pageblock_flags}): an intrusive doubly linked list link pair per frame (a free block, pcp
 * page or pool block is on exactly one list through its head frame), a state byte per frame, and a
 * flags byte per pageblock.
 *
 * <p>Frame state is kept per pageblock-sized chunk ({@code pageblock_nr_pages} = 512 frames, 2 MiB),
 * populated on demand as {@code CONFIG_SPARSEMEM_VMEMMAP} populates the memory map per section:
 * the first frame of every chunk has its link and state in dense arrays (17 bytes per chunk with
 * the two chunk references, 18 with the pageblock's flags), and the other 511 frames get theirs (a {@code long} and a {@code byte}
 * each) only when one of them first becomes a block head, i.e. when a block below pageblock order
 * is first carved from the chunk. Until then every frame but the first is a tail (state 0) and on
 * no list, so nothing needs storing; blocks of order 9 and 10 (boot's free memory, huge pages, a
 * hugetlb-like reserve) never populate a chunk. A machine that splits little of its memory (a
 * 1 TiB machine running a few GiB of workload) needs about 0.04 bytes per frame here instead of 9;
 * a populated chunk costs 9 bytes per frame, as the dense table did. Populated chunks stay
 * populated (the kernel's vmemmap is not freed either): memory follows the most memory ever split
 * below pageblock order, not the current.
 *
 * <p>A machine of at most {@link #DENSE_MAX_FRAMES} frames (64 GiB) keeps the dense table
 * instead, one {@code long} and one {@code byte} per frame (144 MiB at 64 GiB): a chunk costs a
 * second dependent load and a check on every list operation, which PageAllocBench measured as
 * 16-41 % of the order-0 alloc/free pair (docs/performance.md), and the machines most runs use
 * gain little memory from it.
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

  /** Frames per chunk: a pageblock, so that blocks of pageblock order and above populate nothing. */
  static final int CHUNK_SHIFT = PB_ORDER;
  static final int CHUNK_PAGES = 1 << CHUNK_SHIFT;
  private static final int CHUNK_MASK = CHUNK_PAGES - 1;

  /** The largest machine that keeps the dense table: 64 GiB. */
  static final long DENSE_MAX_FRAMES = 1L << 24;
  /** Heap of a frame with its own link and state: a {@code long} and a {@code byte}. */
  static final int BYTES_PER_FRAME = 9;

  final int nrFrames;
  /**
   * The list links, {@code struct page}'s {@code lru} pair, packed in one long per frame: the next
   * pfn in the low half, the previous in the high half, so that a list operation reaches both
   * with one load and one bounds check where two int arrays take two of each. Measured against
   * the two arrays (PageAllocBench, 3 interleaved rounds, medians): order-0 pcp pair -10 to +10 %,
   * order 10 +2 to +13 %; a small gain inside this host's noise. A small machine's are
   * {@code denseLink[pfn]} (null when chunked); a chunked machine's are {@code headLink[c]} for
   * the first frame of chunk {@code c} and {@code link[c][i]} for frame {@code i} of it, null
   * until the chunk is populated. The state bytes are laid out alike.
   */
  private final long[] denseLink;
  private final byte[] denseState;
  private final long[] headLink;
  private final long[][] link;
  private final byte[] headState;
  private final byte[][] state;
  final byte[] pageblock;
  /** Chunks populated so far ({@link #populatedChunks}). */
  private int populated;
  /** Pageblock sensitivity flags changed so far ({@code PageAllocator.sensitivityChanges}). */
  private long sensitivityWrites;
  /** The checker's change log, or null (no check runs: nothing is recorded). */
  private ChangeLog log;

  FrameTable(long nrFrames) {
    this(nrFrames, DENSE_MAX_FRAMES);
  }

  /** A table that is dense if {@code nrFrames <= denseMaxFrames} (tests pass 0 to get chunks). */
  FrameTable(long nrFrames, long denseMaxFrames) {
    if (nrFrames > Integer.MAX_VALUE - PB_PAGES) {
      throw new IllegalArgumentException("at most 8 TiB of simulated memory");
    }
    this.nrFrames = (int) nrFrames;
    boolean dense = nrFrames <= denseMaxFrames;
    int chunks = dense ? 0 : (int) ((nrFrames + CHUNK_PAGES - 1) >>> CHUNK_SHIFT);
    denseLink = dense ? new long[this.nrFrames] : null;
    denseState = dense ? new byte[this.nrFrames] : null;
    headLink = new long[chunks];
    link = new long[chunks][];
    headState = new byte[chunks];
    state = new byte[chunks][];
    pageblock = new byte[(this.nrFrames + PB_PAGES - 1) >>> PB_ORDER];
  }

  /** The link pair of {@code pfn}; only a frame on a list has one (it was written when it joined). */
  long linkOf(int pfn) {
    long[] d = denseLink;
    if (d != null) {
      return d[pfn];
    }
    int i = pfn & CHUNK_MASK;
    return i == 0 ? headLink[pfn >>> CHUNK_SHIFT] : link[pfn >>> CHUNK_SHIFT][i];
  }

  void setLink(int pfn, long v) {
    long[] d = denseLink;
    if (d != null) {
      d[pfn] = v;
      return;
    }
    int i = pfn & CHUNK_MASK;
    if (i == 0) {
      headLink[pfn >>> CHUNK_SHIFT] = v;
      return;
    }
    long[] l = link[pfn >>> CHUNK_SHIFT];
    if (l == null) {
      l = populate(pfn >>> CHUNK_SHIFT);
    }
    l[i] = v;
  }

  /**
   * Gives chunk {@code c} its per-frame arrays, on the first write of a frame other than its first
   * (a state byte, or a link a moment after it). A link is only ever written for a frame whose
   * state was written first, so the two arrays are populated together.
   */
  private long[] populate(int c) {
    if (link[c] == null) {
      populated++;
      state[c] = new byte[CHUNK_PAGES];
      link[c] = new long[CHUNK_PAGES];
    }
    return link[c];
  }

  /** Chunks of {@value #CHUNK_PAGES} frames whose per-frame arrays exist (0 for a dense table). */
  int populatedChunks() {
    return populated;
  }

  /** Heap of the frame table's arrays, in bytes, without array headers (docs/performance.md). */
  long arrayBytes() {
    if (denseLink != null) {
      return (long) nrFrames * BYTES_PER_FRAME + pageblock.length;
    }
    return headLink.length * 8L + link.length * 4L + headState.length + state.length * 4L + pageblock.length
        + (long) populated * CHUNK_PAGES * BYTES_PER_FRAME;
  }

  /** The pfn after {@code pfn} on its list, or {@link Zone#NIL}. */
  int next(int pfn) {
    return (int) linkOf(pfn);
  }

  /** The pfn before {@code pfn} on its list, or {@link Zone#NIL}. */
  int prev(int pfn) {
    return (int) (linkOf(pfn) >> 32);
  }

  private static long links(int next, int prev) {
    return (next & 0xffffffffL) | ((long) prev << 32);
  }

  // setNext and setPrev rewrite a neighbour on a list: its chunk is populated (or it is a first
  // frame), so the slot is found once and without the populate check

  private void setNext(int pfn, int next) {
    long[] d = denseLink;
    if (d != null) {
      d[pfn] = (d[pfn] & 0xffffffff00000000L) | (next & 0xffffffffL);
      return;
    }
    int i = pfn & CHUNK_MASK;
    long[] l = i == 0 ? headLink : link[pfn >>> CHUNK_SHIFT];
    int j = i == 0 ? pfn >>> CHUNK_SHIFT : i;
    l[j] = (l[j] & 0xffffffff00000000L) | (next & 0xffffffffL);
  }

  private void setPrev(int pfn, int prev) {
    long[] d = denseLink;
    if (d != null) {
      d[pfn] = (d[pfn] & 0xffffffffL) | ((long) prev << 32);
      return;
    }
    int i = pfn & CHUNK_MASK;
    long[] l = i == 0 ? headLink : link[pfn >>> CHUNK_SHIFT];
    int j = i == 0 ? pfn >>> CHUNK_SHIFT : i;
    l[j] = (l[j] & 0xffffffffL) | ((long) prev << 32);
  }

  int stateOf(int pfn) {
    byte[] d = denseState;
    if (d != null) {
      return d[pfn] & 0xff;
    }
    int i = pfn & CHUNK_MASK;
    if (i == 0) {
      return headState[pfn >>> CHUNK_SHIFT] & 0xff;
    }
    byte[] st = state[pfn >>> CHUNK_SHIFT];
    return st == null ? 0 : st[i] & 0xff;
  }

  /**
   * Writes the state byte of {@code pfn}: the one place frame state changes, so the checker's log
   * ({@link #logChanges}) sees every block that appeared, moved or went, over the larger of its old
   * and new extent. Writing 0 (a tail) into an unpopulated chunk stores nothing: it is 0 already.
   */
  void setState(int pfn, int s) {
    if (log != null) {
      log.frames(pfn, 1L << Math.max(stateOf(pfn) & ORDER_MASK, s & ORDER_MASK));
    }
    writeState(pfn, s);
  }

  /** The state write itself, unlogged ({@link #setState} logs; tests corrupt state through this). */
  void writeState(int pfn, int s) {
    byte[] d = denseState;
    if (d != null) {
      d[pfn] = (byte) s;
      return;
    }
    int i = pfn & CHUNK_MASK;
    if (i == 0) {
      headState[pfn >>> CHUNK_SHIFT] = (byte) s;
      return;
    }
    byte[] st = state[pfn >>> CHUNK_SHIFT];
    if (st == null) {
      if (s == 0) {
        return;
      }
      populate(pfn >>> CHUNK_SHIFT);
      st = state[pfn >>> CHUNK_SHIFT];
    }
    st[i] = (byte) s;
  }

  long sensitivityWrites() {
    return sensitivityWrites;
  }

  /** Records every later state and pageblock-flag change in {@code changes} (the checker's log). */
  void logChanges(ChangeLog changes) {
    this.log = changes;
  }

  /** Records a change outside the state bytes (a pool's membership bitmap) in the log, if any. */
  void logged(int pfn, int n) {
    if (log != null) {
      log.frames(pfn, n);
    }
  }

  /**
   * The free side's check that {@code pfn} heads an allocated block of {@code order} (what
   * {@code free_pages_prepare()}'s bad-page checks catch); {@code what} names the block in the
   * error. Returns the pfn as an int.
   */
  int requireAllocated(long pfn, int order, String what) {
    if (pfn < 0 || pfn >= nrFrames) {
      throw new IllegalArgumentException("free of pfn " + pfn + " outside memory");
    }
    int p = (int) pfn;
    int s = stateOf(p);
    if ((s & WHERE_MASK) != 0 || (s & ALLOC) == 0 || (s & ORDER_MASK) != order) {
      throw new IllegalStateException("free of pfn " + pfn + " order " + order + " that is not an allocated "
          + what + " of that order");
    }
    return p;
  }

  boolean isBuddy(int pfn, int order) {
    return stateOf(pfn) == (BUDDY | order);
  }

  int pbMigratetype(int pfn) {
    return pageblock[pfn >>> PB_ORDER] & PB_MT_MASK;
  }

  boolean pbNonsensitive(int pfn) {
    return (pageblock[pfn >>> PB_ORDER] & PB_NONSENSITIVE) != 0;
  }

  void setPbMigratetype(int pfn, int mt) {
    int i = pfn >>> PB_ORDER;
    logged(i << PB_ORDER, PB_PAGES);
    pageblock[i] = (byte) ((pageblock[i] & ~PB_MT_MASK) | mt);
  }

  void setPbNonsensitive(int pfn, boolean nonsensitive) {
    int i = pfn >>> PB_ORDER;
    if (((pageblock[i] & PB_NONSENSITIVE) != 0) != nonsensitive) {
      sensitivityWrites++;
    }
    logged(i << PB_ORDER, PB_PAGES);
    pageblock[i] = (byte) (nonsensitive ? pageblock[i] | PB_NONSENSITIVE : pageblock[i] & ~PB_NONSENSITIVE);
  }

  // A list table: for list l, slots 3l, 3l+1, 3l+2 hold its head pfn, tail pfn and length, so a
  // list operation loads one array (and bounds-checks it once) where three arrays took three.
  static final int LIST_SLOTS = 3;

  /** {@code n} empty lists. */
  static int[] newLists(int n) {
    int[] lists = new int[n * LIST_SLOTS];
    for (int l = 0; l < n; l++) {
      lists[l * LIST_SLOTS] = Zone.NIL;
      lists[l * LIST_SLOTS + 1] = Zone.NIL;
    }
    return lists;
  }

  static int head(int[] lists, int l) {
    return lists[l * LIST_SLOTS];
  }

  static int tail(int[] lists, int l) {
    return lists[l * LIST_SLOTS + 1];
  }

  static int len(int[] lists, int l) {
    return lists[l * LIST_SLOTS + 2];
  }

  /** Adds {@code pfn} to list {@code l} of a list table, at the head or the tail. */
  void listAdd(int[] lists, int l, int pfn, boolean toTail) {
    int b = l * LIST_SLOTS;
    if (toTail) {
      int t = lists[b + 1];
      setLink(pfn, links(Zone.NIL, t));
      if (t == Zone.NIL) {
        lists[b] = pfn;
      } else {
        setNext(t, pfn);
      }
      lists[b + 1] = pfn;
    } else {
      int h = lists[b];
      setLink(pfn, links(h, Zone.NIL));
      if (h == Zone.NIL) {
        lists[b + 1] = pfn;
      } else {
        setPrev(h, pfn);
      }
      lists[b] = pfn;
    }
    lists[b + 2]++;
  }

  /** Unlinks {@code pfn} from list {@code l} of a list table. */
  void listDel(int[] lists, int l, int pfn) {
    int b = l * LIST_SLOTS;
    long v = linkOf(pfn);
    int n = (int) v;
    int p = (int) (v >> 32);
    if (p == Zone.NIL) {
      lists[b] = n;
    } else {
      setNext(p, n);
    }
    if (n == Zone.NIL) {
      lists[b + 1] = p;
    } else {
      setPrev(n, p);
    }
    lists[b + 2]--;
  }
}
