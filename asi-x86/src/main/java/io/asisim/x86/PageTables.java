package io.asisim.x86;

import io.asisim.api.metrics.Counter;

/**
 * Storage and primitive operations of 4-level x86-64 page tables: every table page is 512
 * {@code long} entries in the hardware layout, held in chunked arrays and addressed by a slot
 * number. An entry pointing to a lower table carries that table's real frame number in its PFN
 * field; a parallel {@code int} array keeps the child's slot so a walk never needs a map lookup.
 * Models the table manipulation of arch/x86/mm (pgd/p4d/pud/pmd/pte_alloc, {@code split_large_page()}
 * in arch/x86/mm/pat/set_memory.c) and the hardware page walk.
 *
 * <p>Not thread-safe. {@link #walk} leaves the leaf entry, its level shift and the number of
 * levels read in fields, so walks allocate nothing.
 */
final class PageTables {
  /** Where table frames come from; charged to a CPU. */
  interface FrameSource {
    /** A frame for a table page, or -1. */
    long alloc(int cpu);

    /** Returns a table frame. */
    void free(int cpu, long pfn);
  }

  static final int ENTRIES = 512;
  private static final int CHUNK_SHIFT = 6; // 64 tables per chunk
  private static final int CHUNK_TABLES = 1 << CHUNK_SHIFT;

  private long[][] entries = new long[16][];
  private int[][] children = new int[16][];
  private long[] slotPfn = new long[CHUNK_TABLES * 16];
  private int nSlots;
  private int[] freeSlots = new int[64];
  private int nFree;
  private long inUse;

  private final FrameSource source;
  private final Counter pagetablePages;

  /** Leaf entry of the last {@link #walk} (0 when not present). */
  long lastEntry;
  /** Page shift of the last walk's leaf (12, 21, 30), or the shift of the level where it stopped. */
  int lastShift;
  /** Table levels read by the last walk (1..4). */
  int lastLevels;

  PageTables(FrameSource source, Counter pagetablePages) {
    this.source = source;
    this.pagetablePages = pagetablePages;
  }

  /** Bytes held by the table storage arrays (allocated chunks). */
  long arrayBytes() {
    long b = slotPfn.length * 8L + freeSlots.length * 4L;
    for (long[] e : entries) {
      b += e == null ? 0 : e.length * 8L;
    }
    for (int[] c : children) {
      b += c == null ? 0 : c.length * 4L;
    }
    return b;
  }

  /** Table pages in use. */
  long inUse() {
    return inUse;
  }

  /** Index of {@code va} in the table of level shift {@code shift} (39, 30, 21, 12). */
  static int index(long va, int shift) {
    return (int) ((va >>> shift) & 511);
  }

  /** A new zeroed table page (pgd/pud/pmd/pte_alloc_one), or -1 when out of memory. */
  int alloc(int cpu) {
    long pfn = source.alloc(cpu);
    if (pfn < 0) {
      return -1;
    }
    int slot;
    if (nFree > 0) {
      slot = freeSlots[--nFree];
    } else {
      slot = nSlots++;
      int chunk = slot >>> CHUNK_SHIFT;
      if (chunk >= entries.length) {
        entries = java.util.Arrays.copyOf(entries, entries.length * 2);
        children = java.util.Arrays.copyOf(children, children.length * 2);
      }
      if (entries[chunk] == null) {
        entries[chunk] = new long[CHUNK_TABLES * ENTRIES];
        children[chunk] = new int[CHUNK_TABLES * ENTRIES];
      }
      if (slot >= slotPfn.length) {
        slotPfn = java.util.Arrays.copyOf(slotPfn, slotPfn.length * 2);
      }
    }
    int base = (slot & (CHUNK_TABLES - 1)) * ENTRIES;
    java.util.Arrays.fill(entries[slot >>> CHUNK_SHIFT], base, base + ENTRIES, 0L);
    java.util.Arrays.fill(children[slot >>> CHUNK_SHIFT], base, base + ENTRIES, -1);
    slotPfn[slot] = pfn;
    inUse++;
    pagetablePages.inc();
    return slot;
  }

  /** Frees one table page (not its children). */
  void free(int cpu, int slot) {
    source.free(cpu, slotPfn[slot]);
    slotPfn[slot] = -1;
    if (nFree == freeSlots.length) {
      freeSlots = java.util.Arrays.copyOf(freeSlots, nFree * 2);
    }
    freeSlots[nFree++] = slot;
    inUse--;
    pagetablePages.add(-1);
  }

  /** Frees a table and, recursively, every table below it (free_pgd_range / free_pgtables). */
  void freeTree(int cpu, int slot, int shift) {
    if (shift > 12) {
      for (int i = 0; i < ENTRIES; i++) {
        int c = child(slot, i);
        if (c >= 0) {
          freeTree(cpu, c, shift - 9);
        }
      }
    }
    free(cpu, slot);
  }

  long get(int slot, int idx) {
    return entries[slot >>> CHUNK_SHIFT][((slot & (CHUNK_TABLES - 1)) << 9) | idx];
  }

  int child(int slot, int idx) {
    return children[slot >>> CHUNK_SHIFT][((slot & (CHUNK_TABLES - 1)) << 9) | idx];
  }

  /** Writes a leaf (or empty) entry; the slot's child link is cleared. */
  void setLeaf(int slot, int idx, long entry) {
    int i = ((slot & (CHUNK_TABLES - 1)) << 9) | idx;
    entries[slot >>> CHUNK_SHIFT][i] = entry;
    children[slot >>> CHUNK_SHIFT][i] = -1;
  }

  /** Points entry {@code idx} of {@code slot} at table {@code child} ({@code _PAGE_TABLE} flags). */
  void setTable(int slot, int idx, int child) {
    int i = ((slot & (CHUNK_TABLES - 1)) << 9) | idx;
    entries[slot >>> CHUNK_SHIFT][i] = Pte.make(slotPfn[child], Pte.TABLE);
    children[slot >>> CHUNK_SHIFT][i] = child;
  }

  /** Copies entry {@code idx} (with its child link) from one table to another (pgd sync). */
  void copyEntry(int from, int to, int idx) {
    int f = ((from & (CHUNK_TABLES - 1)) << 9) | idx;
    int t = ((to & (CHUNK_TABLES - 1)) << 9) | idx;
    entries[to >>> CHUNK_SHIFT][t] = entries[from >>> CHUNK_SHIFT][f];
    children[to >>> CHUNK_SHIFT][t] = children[from >>> CHUNK_SHIFT][f];
  }

  /** The frame of table {@code slot}. */
  long pfnOf(int slot) {
    return slotPfn[slot];
  }

  /**
   * The hardware page walk from PGD {@code root}: returns the 4 KiB frame {@code va} maps to, or
   * -1; sets {@link #lastEntry}, {@link #lastShift}, {@link #lastLevels}.
   */
  long walk(int root, long va) {
    int slot = root;
    int shift = 39;
    int levels = 0;
    while (true) {
      int idx = index(va, shift);
      long e = get(slot, idx);
      levels++;
      if (!Pte.present(e)) {
        lastEntry = 0;
        lastShift = shift;
        lastLevels = levels;
        return -1;
      }
      if (shift == 12 || (shift < 39 && Pte.large(e))) {
        lastEntry = e;
        lastShift = shift;
        lastLevels = levels;
        return Pte.pfn(e) + ((va >>> 12) & ((1L << (shift - 12)) - 1));
      }
      slot = child(slot, idx);
      shift -= 9;
    }
  }

  /**
   * The table of level {@code targetShift} (30 = PUD table, 21 = PMD table, 12 = PTE table)
   * covering {@code va}, allocating missing tables on the way; -1 when out of memory or when a
   * large leaf is in the way (callers split first).
   */
  int tableFor(int cpu, int root, long va, int targetShift) {
    int slot = root;
    for (int shift = 39; shift > targetShift; shift -= 9) {
      int idx = index(va, shift);
      int c = child(slot, idx);
      if (c < 0) {
        long e = get(slot, idx);
        if (Pte.present(e) && Pte.large(e)) {
          return -1;
        }
        c = alloc(cpu);
        if (c < 0) {
          return -1;
        }
        setTable(slot, idx, c);
      }
      slot = c;
    }
    return slot;
  }

  /** The existing table of level {@code targetShift} covering {@code va}, or -1. */
  int findTable(int root, long va, int targetShift) {
    int slot = root;
    for (int shift = 39; shift > targetShift && slot >= 0; shift -= 9) {
      slot = child(slot, index(va, shift));
    }
    return slot;
  }

  /**
   * Splits the large leaf at entry {@code idx} of table {@code slot} (level {@code shift}, 30 or
   * 21) into a table of 512 next-level entries covering the same frames with the same
   * permissions (models {@code __split_large_page()}). An empty entry becomes a table of empty
   * entries. Returns the new table, or -1 when out of memory.
   */
  int split(int cpu, int slot, int idx, int shift) {
    int t = alloc(cpu);
    if (t < 0) {
      return -1;
    }
    // __split_large_page(): allocating the page can re-enter the allocator, whose own mapping
    // changes may have split this entry meanwhile ("another CPU might have split this page up
    // for us already"): then free the new page and use the existing table.
    int existing = child(slot, idx);
    if (existing >= 0) {
      free(cpu, t);
      return existing;
    }
    long e = get(slot, idx);
    if (e != 0) {
      long flags = e & ~Pte.PFN_MASK;
      long childFlags = shift == 30 ? flags : (flags & ~Pte.PSE);
      long base = Pte.pfn(e);
      long step = shift == 30 ? ENTRIES : 1;
      for (int i = 0; i < ENTRIES; i++) {
        setLeaf(t, i, Pte.make(base + i * step, childFlags));
      }
    }
    setTable(slot, idx, t);
    return t;
  }
}
