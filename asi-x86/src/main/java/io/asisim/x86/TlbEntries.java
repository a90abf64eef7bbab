package io.asisim.x86;

/**
 * Enumerations of a {@link Tlb}'s second-level entries for the checker and the exposure scan: all
 * global and restricted-PCID entries of a CPU, the unsettled ones only (reading the settle bitmap,
 * not the slots), and those overlapping an address range (probing the sets the range indexes, or
 * one pass over the CPU's slots for a long range). Split from {@link Tlb}, whose arrays it reads, so
 * that the translation cache and its enumeration each stay one file. Allocation-free.
 */
final class TlbEntries {
  /** Above this many pages {@link #forEachIn} reads every slot instead of probing sets. */
  private static final int PROBE_PAGES = 32;

  private final Tlb tlb;

  TlbEntries(Tlb tlb) {
    this.tlb = tlb;
  }

  /**
   * Visits the valid second-level entries (the L1 holds no others) that are global or whose PCID
   * has {@code pcidBits} set (the ASI PCIDs): the tag filter runs before the generation check, so the
   * exposure scan does not pay for the unrestricted PCIDs' entries. Allocation-free.
   */
  void forEachGlobalOr(int cpu, int pcidBits, EntrySink sink) {
    visit(cpu, pcidBits, false, sink);
  }

  /**
   * {@link #forEachGlobalOr} without the settled entries; an entry whose sink answers true is
   * settled until it is refilled or {@link #unsettle} is called. Allocation-free.
   */
  void forEachUnsettledGlobalOr(int cpu, int pcidBits, EntrySink sink) {
    visit(cpu, pcidBits, true, sink);
  }

  /** Unsettles every entry of {@code cpu}: every bit of its bitmap (invalid slots drop out when visited). */
  void unsettle(int cpu) {
    for (int c = 0; c < 2; c++) {
      java.util.Arrays.fill(tlb.unsettled[c], cpu * tlb.wordsPerCpu[c], (cpu + 1) * tlb.wordsPerCpu[c], -1L);
    }
  }

  /**
   * Unsettles the settled entries of {@code cpu} whose first frame is in {@code sortedPfns[0..n)}
   * (losses of access concern sensitive frames, whose settled entries are 4 KiB: a settled 2 MiB
   * leaf covers no sensitive frame and goes with {@link #unsettle} when sensitivity changes).
   */
  void unsettleFrames(int cpu, long[] sortedPfns, int n) {
    if (n == 0) {
      return;
    }
    long lo = sortedPfns[0];
    long hi = sortedPfns[n - 1];
    for (int c = 0; c < 2; c++) {
      long[] bits = tlb.unsettled[c];
      long[] fr = tlb.frame[c];
      long[] tg = tlb.tag[c];
      int per = tlb.sets[c] * tlb.ways[c];
      int w0 = cpu * tlb.wordsPerCpu[c];
      for (int r = 0; r < per; r++) {
        int i = cpu * per + r;
        if ((bits[w0 + (r >>> 6)] & (1L << r)) == 0 && (tg[i] & Tlb.VALID) != 0) {
          long pfn = fr[i] >>> 1;
          if (pfn >= lo && pfn <= hi && java.util.Arrays.binarySearch(sortedPfns, 0, n, pfn) >= 0) {
            bits[w0 + (r >>> 6)] |= 1L << r;
          }
        }
      }
    }
  }

  /**
   * The valid global and {@code pcidBits} entries of {@code cpu}; with {@code marks}, only the
   * unsettled slots are read, a slot that holds nothing the sink could be asked about (invalid,
   * stale, another PCID class) is settled until a fill, and the sink's answer settles.
   */
  private void visit(int cpu, int pcidBits, boolean marks, EntrySink sink) {
    for (int c = 0; c < 2; c++) {
      int per = tlb.sets[c] * tlb.ways[c];
      if (!marks) {
        for (int r = 0; r < per; r++) {
          visitSlot(c, cpu, cpu * per + r, pcidBits, sink);
        }
        continue;
      }
      long[] bits = tlb.unsettled[c];
      int w0 = cpu * tlb.wordsPerCpu[c];
      for (int w = 0; w < tlb.wordsPerCpu[c]; w++) {
        long word = bits[w0 + w];
        while (word != 0) {
          int b = Long.numberOfTrailingZeros(word);
          word &= word - 1;
          int r = (w << 6) + b;
          if (r >= per || visitSlot(c, cpu, cpu * per + r, pcidBits, sink) != 0) {
            bits[w0 + w] &= ~(1L << b);
          }
        }
      }
    }
  }

  /**
   * One slot for {@link #visit}: 0 when it went to the sink and was not settled, 1 when the sink
   * settled it, -1 when there was nothing to visit (invalid, stale, not a PCID asked for).
   */
  private int visitSlot(int c, int cpu, int i, int pcidBits, EntrySink sink) {
    long t = tlb.tag[c][i];
    if ((t & Tlb.VALID) == 0) {
      return -1;
    }
    boolean global = (t & Tlb.GLOBAL) != 0;
    int pcid = (int) ((t >>> 48) & 0xfff);
    if (!global && (pcid & pcidBits) == 0) {
      return -1;
    }
    if (tlb.gen[c][i] != tlb.expectedGen(cpu, pcid, global)) {
      return -1; // stale: a flush of its PCID (or of the whole TLB) came after it
    }
    int shift = c == 1 ? 30 : (t & Tlb.BIG) != 0 ? 21 : 12;
    long va = (t & Tlb.VPN_MASK) << shift;
    if ((va & (1L << 47)) != 0) {
      va |= ~Tlb.VA_MASK; // sign-extend kernel addresses
    }
    return sink.entry(cpu, pcid, global, va, tlb.frame[c][i] >>> 1, shift) ? 1 : 0;
  }

  /**
   * {@link #forEachGlobalOr} for the entries whose page overlaps {@code [va, va + pages * 4 KiB)},
   * each once: for a few pages the sets those addresses index, per page size (the way
   * {@link Tlb#invalidate} probes them); for more, one pass over the CPU's slots. Allocation-free.
   */
  void forEachIn(int cpu, long va, long pages, int pcidBits, EntrySink sink) {
    long lo = va & Tlb.VA_MASK;
    long hi = lo + (pages << 12) - 1;
    if (pages > PROBE_PAGES) {
      for (int c = 0; c < 2; c++) {
        int per = tlb.sets[c] * tlb.ways[c];
        for (int i = cpu * per; i < (cpu + 1) * per; i++) {
          long t = tlb.tag[c][i];
          int shift = c == 1 ? 30 : (t & Tlb.BIG) != 0 ? 21 : 12;
          long base = (t & Tlb.VPN_MASK) << shift;
          if ((t & Tlb.VALID) != 0 && base <= hi && base + (1L << shift) - 1 >= lo) {
            visitSlot(c, cpu, i, pcidBits, sink);
          }
        }
      }
      return;
    }
    for (int pass = 0; pass < 3; pass++) {
      int c = pass == 2 ? 1 : 0;
      int shift = pass == 0 ? 12 : pass == 1 ? 21 : 30;
      long big = pass == 1 ? Tlb.BIG : 0;
      int w = tlb.ways[c];
      for (long vpn = lo >>> shift; vpn <= hi >>> shift; vpn++) {
        int base = (cpu * tlb.sets[c] + Tlb.index(vpn, tlb.sets[c], tlb.setMask[c])) * w;
        for (int i = base; i < base + w; i++) {
          long t = tlb.tag[c][i];
          if ((t & Tlb.VALID) != 0 && (t & Tlb.VPN_MASK) == vpn && (c == 1 || (t & Tlb.BIG) == big)) {
            visitSlot(c, cpu, i, pcidBits, sink);
          }
        }
      }
    }
  }

  /** Receives entries from the enumerations; the answer settles the entry where marks are used. */
  interface EntrySink {
    boolean entry(int cpu, int pcid, boolean global, long va, long pfn, int shift);
  }
}
