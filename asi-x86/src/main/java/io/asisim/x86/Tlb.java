package io.asisim.x86;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;

/**
 * The per-CPU data TLB hierarchy, entries tagged by the 12-bit PCID, with a global bit:
 *
 * <ul>
 *   <li>the second-level STLB, one set-associative array <em>shared by 4 KiB and 2 MiB</em>
 *       translations (Golden Cove and Skylake STLB, Zen 4 L2 DTLB), probed once per page size
 *       with the page size in the tag;
 *   <li>a separate array for 1 GiB translations;
 *   <li>an L1 dTLB in front: a small set-associative cache, indexed by the 4 KiB page number of the
 *       access, whose entries point at the second-level entry they were filled from. A hit
 *       re-checks that entry, so the L1 is always a subset of the second level and every
 *       invalidation (INVLPG, PCID generation, full flush) reaches it without a second walk over
 *       it. A 2 MiB page touched at several 4 KiB pages takes one L1 entry per 4 KiB page
 *       (docs/deviations.md).
 * </ul>
 *
 * Geometry comes from the CPU profile. Replacement is least-recently-used within a set (an invalid
 * way first), which is deterministic.
 *
 * <p>Flushing a whole PCID or the whole TLB is O(1): every entry records the generation of its
 * PCID (and the CPU's epoch) at fill time and is valid only while they are unchanged, which is
 * exactly the architectural effect of a CR3 write without NOFLUSH or of INVPCID type 1/2.
 */
final class Tlb {
  static final int NR_PCIDS = 4096;
  static final long VALID = 1L << 63;
  static final long GLOBAL = 1L << 62;
  /** Tag bit of a 2 MiB translation in the shared STLB. */
  static final long BIG = 1L << 61;
  static final long VPN_MASK = (1L << 36) - 1;
  static final long VA_MASK = (1L << 48) - 1;

  private final int nrCpus;
  // second level: class 0 = the shared STLB (4K and 2M), class 1 = 1G
  final int[] sets = new int[2];
  final int[] ways = new int[2];
  final long[][] tag = new long[2][];
  final long[][] frame = new long[2][]; // pfn << 1 | writable
  final long[][] gen = new long[2][];
  private final long[][] stamp = new long[2][];
  /**
   * Settle marks ({@link io.asisim.api.machine.TlbOps#forEachUnsettledRestrictedEntry}): one bit per
   * slot, set while the slot is <em>unsettled</em>; a fill sets it, so a refilled slot is never
   * settled, and {@link TlbEntries#unsettle} sets all of a CPU's. The settled enumeration reads only the set
   * bits, so a scan of a TLB whose entries are mostly settled costs the words of the bitmap, not
   * the slots (an 8-CPU Sapphire Rapids STLB: 8 x 32 words against 8 x 2048 slots).
   */
  final long[][] unsettled = new long[2][];
  /** Bitmap words per CPU, per class. */
  final int[] wordsPerCpu = new int[2];
  // L1 dTLB: tag VALID | pcid << 48 | vpn4k, pointer = class << 31 | index
  private final int l1Sets;
  private final int l1Ways;
  private final long[] l1Tag;
  private final long[] l1Ptr;
  private final long[] l1Stamp;
  /** The second-level tag the L1 entry was filled from: equal and valid = still the same translation. */
  private final long[] l1Snap;
  /** {@code sets - 1} when a power of two (index by mask, not division), else -1. */
  final int[] setMask = new int[2];
  private final int l1Mask;
  private final long[] tick;
  /**
   * Per CPU: second-level slots whose tag holds a 2 MiB translation ({@code VALID | BIG}), and
   * 1 GiB-array slots whose tag is {@code VALID}, stale generations included. A zero count proves
   * no such entry can match, so {@link #lookup} and {@link #invalidate} skip that probe: a CPU
   * that touches only 4 KiB pages (an ephmap alias, a user buffer) probes one set, not three. The
   * answers are those of the full probes; only the work differs.
   */
  private final int[] bigTags;
  private final int[] hugeTags;
  private final int[] epoch;
  private final int[] pcidGen;

  /** Page shift of the last {@link #lookup} hit. */
  int lastShift;
  /** Whether the last hit allows writes. */
  boolean lastWritable;
  /** Whether the last hit was in the L1 dTLB (otherwise the second level). */
  boolean lastL1;

  Tlb(int nrCpus, CpuProfile p) {
    this.nrCpus = nrCpus;
    geometry(0, p.get(Cost.STLB_ENTRIES), p.get(Cost.STLB_WAYS));
    geometry(1, p.get(Cost.TLB_1G_ENTRIES), p.get(Cost.TLB_1G_WAYS));
    long l1e = p.get(Cost.L1_DTLB_ENTRIES);
    long l1w = p.get(Cost.L1_DTLB_WAYS);
    check(l1e, l1w, "L1 dTLB");
    l1Sets = (int) (l1e / l1w);
    l1Ways = (int) l1w;
    int n = Math.toIntExact(l1e * nrCpus);
    l1Tag = new long[n];
    l1Ptr = new long[n];
    l1Stamp = new long[n];
    l1Snap = new long[n];
    l1Mask = Integer.bitCount(l1Sets) == 1 ? l1Sets - 1 : -1;
    tick = new long[nrCpus];
    bigTags = new int[nrCpus];
    hugeTags = new int[nrCpus];
    epoch = new int[nrCpus];
    pcidGen = new int[nrCpus * NR_PCIDS];
  }

  private static void check(long entries, long nways, String what) {
    if (nways < 1 || entries < nways || entries % nways != 0) {
      throw new IllegalArgumentException(what + " entries (" + entries + ") must be a positive multiple of ways (" + nways + ")");
    }
  }

  private void geometry(int c, long entries, long nways) {
    check(entries, nways, c == 0 ? "STLB" : "1G TLB");
    sets[c] = (int) (entries / nways);
    ways[c] = (int) nways;
    setMask[c] = Integer.bitCount(sets[c]) == 1 ? sets[c] - 1 : -1;
    int n = Math.toIntExact(entries * nrCpus);
    tag[c] = new long[n];
    frame[c] = new long[n];
    gen[c] = new long[n];
    stamp[c] = new long[n];
    wordsPerCpu[c] = (int) ((entries + 63) >>> 6);
    unsettled[c] = new long[wordsPerCpu[c] * nrCpus];
  }

  static int index(long vpn, int sets, int mask) {
    return mask >= 0 ? (int) (vpn & mask) : (int) (vpn % sets);
  }

  long expectedGen(int cpu, int pcid, boolean global) {
    long e = ((long) epoch[cpu]) << 32;
    return global ? e : e | (pcidGen[cpu * NR_PCIDS + pcid] & 0xffff_ffffL);
  }

  /**
   * The generation non-global entries of {@code pcid} on {@code cpu} must carry to be valid
   * ({@code global}: the generation of global entries); changes on every flush of that PCID or of
   * the whole TLB. {@link WorkingSets} compares it to know whether a counted working set survived.
   */
  long generation(int cpu, int pcid, boolean global) {
    return expectedGen(cpu, pcid, global);
  }

  private boolean valid(int c, int i, int cpu) {
    long t = tag[c][i];
    if ((t & VALID) == 0) {
      return false;
    }
    boolean global = (t & GLOBAL) != 0;
    return gen[c][i] == expectedGen(cpu, (int) ((t >>> 48) & 0xfff), global);
  }

  private long hit(int c, int i, int cpu, long v) {
    stamp[c][i] = ++tick[cpu];
    long t = tag[c][i];
    int shift = c == 1 ? 30 : (t & BIG) != 0 ? 21 : 12;
    lastShift = shift;
    long f = frame[c][i];
    lastWritable = (f & 1) != 0;
    return (f >>> 1) + ((v >>> 12) & ((1L << (shift - 12)) - 1));
  }

  /** The 4 KiB frame for {@code va} under {@code pcid}, or -1 on a miss. Updates LRU state. */
  long lookup(int cpu, int pcid, long va) {
    long v = va & VA_MASK;
    long vpn4 = v >>> 12;
    long want = VALID | ((long) pcid << 48) | vpn4;
    int lb = (cpu * l1Sets + index(vpn4, l1Sets, l1Mask)) * l1Ways;
    for (int i = lb; i < lb + l1Ways; i++) {
      if (l1Tag[i] == want) {
        long p = l1Ptr[i];
        int c = (int) (p >>> 31);
        int idx = (int) (p & 0x7fff_ffffL);
        long t = tag[c][idx];
        if (t == l1Snap[i] && gen[c][idx] == expectedGen(cpu, (int) ((t >>> 48) & 0xfff), (t & GLOBAL) != 0)) {
          // an L1 hit leaves the second level's LRU state alone (the L1 is not inclusive there)
          l1Stamp[i] = ++tick[cpu];
          lastL1 = true;
          int shift = c == 1 ? 30 : (t & BIG) != 0 ? 21 : 12;
          lastShift = shift;
          long f = frame[c][idx];
          lastWritable = (f & 1) != 0;
          return (f >>> 1) + ((v >>> 12) & ((1L << (shift - 12)) - 1));
        }
        l1Tag[i] = 0; // the second-level entry went: so does the L1 copy
        break;
      }
    }
    lastL1 = false;
    int s0 = sets[0];
    int w = ways[0];
    long[] tg = tag[0];
    // the shared STLB: once as a 4K page, once as a 2M page (different sets), the latter only
    // if this CPU holds any 2M tag
    int passes = bigTags[cpu] > 0 ? 2 : 1;
    for (int pass = 0; pass < passes; pass++) {
      long vpn = pass == 0 ? vpn4 : v >>> 21;
      long big = pass == 0 ? 0 : BIG;
      int base = (cpu * s0 + index(vpn, s0, setMask[0])) * w;
      for (int i = base; i < base + w; i++) {
        long t = tg[i];
        if ((t & (VALID | BIG)) == (VALID | big) && (t & VPN_MASK) == vpn
            && ((t & GLOBAL) != 0 || (int) ((t >>> 48) & 0xfff) == pcid) && valid(0, i, cpu)) {
          fillL1(cpu, lb, want, i);
          return hit(0, i, cpu, v);
        }
      }
    }
    if (hugeTags[cpu] == 0) {
      return -1;
    }
    long vpn1 = v >>> 30;
    int w1 = ways[1];
    int base1 = (cpu * sets[1] + index(vpn1, sets[1], setMask[1])) * w1;
    for (int i = base1; i < base1 + w1; i++) {
      long t = tag[1][i];
      if ((t & VALID) != 0 && (t & VPN_MASK) == vpn1
          && ((t & GLOBAL) != 0 || (int) ((t >>> 48) & 0xfff) == pcid) && valid(1, i, cpu)) {
        fillL1(cpu, lb, want, (1L << 31) | i);
        return hit(1, i, cpu, v);
      }
    }
    return -1;
  }

  private void fillL1(int cpu, int lb, long want, long ptr) {
    int victim = lb;
    long oldest = Long.MAX_VALUE;
    for (int i = lb; i < lb + l1Ways; i++) {
      if ((l1Tag[i] & VALID) == 0) {
        victim = i;
        break;
      }
      if (l1Stamp[i] < oldest) {
        oldest = l1Stamp[i];
        victim = i;
      }
    }
    l1Tag[victim] = want;
    l1Ptr[victim] = ptr;
    l1Snap[victim] = tag[(int) (ptr >>> 31)][(int) (ptr & 0x7fff_ffffL)];
    l1Stamp[victim] = ++tick[cpu];
  }

  /**
   * Caches the translation of {@code va} by a leaf of size {@code shift} whose first frame is
   * {@code leafPfn} in the second level and the L1 dTLB (for {@code va}'s 4 KiB page), replacing
   * an invalid or the least recently used way.
   */
  void fill(int cpu, int pcid, long va, int shift, long leafPfn, boolean writable, boolean global) {
    int c = shift == 30 ? 1 : 0;
    long v = va & VA_MASK;
    long vpn = v >>> shift;
    int w = ways[c];
    int base = (cpu * sets[c] + index(vpn, sets[c], setMask[c])) * w;
    int victim = base;
    long oldest = Long.MAX_VALUE;
    for (int i = base; i < base + w; i++) {
      if (!valid(c, i, cpu)) {
        victim = i;
        break;
      }
      if (stamp[c][i] < oldest) {
        oldest = stamp[c][i];
        victim = i;
      }
    }
    long t = VALID | (global ? GLOBAL : 0) | (shift == 21 ? BIG : 0) | (((long) pcid) << 48) | vpn;
    uncount(c, cpu, tag[c][victim]);
    count(c, cpu, t);
    tag[c][victim] = t;
    frame[c][victim] = (leafPfn << 1) | (writable ? 1 : 0);
    gen[c][victim] = expectedGen(cpu, pcid, global);
    stamp[c][victim] = ++tick[cpu];
    markUnsettled(c, cpu, victim);
    long vpn4 = v >>> 12;
    int lb = (cpu * l1Sets + index(vpn4, l1Sets, l1Mask)) * l1Ways;
    long want = VALID | ((long) pcid << 48) | vpn4;
    for (int i = lb; i < lb + l1Ways; i++) {
      if (l1Tag[i] == want) {
        l1Tag[i] = 0; // a stale pointer for the same page: replaced below
      }
    }
    fillL1(cpu, lb, want, ((long) c << 31) | victim);
  }

  /**
   * Drops the translation of {@code va}: entries tagged {@code pcid}, and global entries too when
   * {@code includeGlobal} (INVLPG does, INVPCID type 0 does not). The L1 copies go with them.
   */
  void invalidate(int cpu, int pcid, long va, boolean includeGlobal) {
    long v = va & VA_MASK;
    for (int pass = 0; pass < 3; pass++) {
      if ((pass == 1 && bigTags[cpu] == 0) || (pass == 2 && hugeTags[cpu] == 0)) {
        continue; // no tag of that size on this CPU: nothing to drop
      }
      int c = pass == 2 ? 1 : 0;
      long vpn = v >>> (pass == 0 ? 12 : pass == 1 ? 21 : 30);
      long big = pass == 1 ? BIG : 0;
      int w = ways[c];
      int base = (cpu * sets[c] + index(vpn, sets[c], setMask[c])) * w;
      for (int i = base; i < base + w; i++) {
        long t = tag[c][i];
        if ((t & VALID) != 0 && (t & VPN_MASK) == vpn && (c == 1 || (t & BIG) == big)) {
          boolean global = (t & GLOBAL) != 0;
          if ((global && includeGlobal) || (!global && (int) ((t >>> 48) & 0xfff) == pcid)) {
            uncount(c, cpu, t);
            tag[c][i] = 0;
          }
        }
      }
    }
  }

  /** Drops every non-global entry of {@code pcid} (CR3 write without NOFLUSH, INVPCID type 1). */
  void flushPcid(int cpu, int pcid) {
    int k = cpu * NR_PCIDS + pcid;
    if (++pcidGen[k] == 0) {
      scrub(cpu, pcid); // generation wrapped: clear for real so no old entry revives
    }
  }

  /** Drops every entry, global ones included (INVPCID type 2, CR4.PGE toggle). */
  void flushAll(int cpu) {
    if (++epoch[cpu] == 0) {
      scrub(cpu, -1);
    }
  }

  private void scrub(int cpu, int pcid) {
    for (int c = 0; c < 2; c++) {
      int n = sets[c] * ways[c];
      for (int i = cpu * n; i < (cpu + 1) * n; i++) {
        long t = tag[c][i];
        if (pcid < 0 || ((t & GLOBAL) == 0 && (int) ((t >>> 48) & 0xfff) == pcid)) {
          uncount(c, cpu, t);
          tag[c][i] = 0;
        }
      }
    }
  }

  /** {@link #bigTags} / {@link #hugeTags}: tag {@code t} enters a slot of class {@code c}. */
  private void count(int c, int cpu, long t) {
    if (c == 1) {
      hugeTags[cpu] += (t & VALID) != 0 ? 1 : 0;
    } else {
      bigTags[cpu] += (t & (VALID | BIG)) == (VALID | BIG) ? 1 : 0;
    }
  }

  /** Tag {@code t} leaves a slot of class {@code c}. */
  private void uncount(int c, int cpu, long t) {
    if (c == 1) {
      hugeTags[cpu] -= (t & VALID) != 0 ? 1 : 0;
    } else {
      bigTags[cpu] -= (t & (VALID | BIG)) == (VALID | BIG) ? 1 : 0;
    }
  }

  private void markUnsettled(int c, int cpu, int slot) {
    int rel = slot - cpu * sets[c] * ways[c];
    unsettled[c][cpu * wordsPerCpu[c] + (rel >>> 6)] |= 1L << rel;
  }

  /** Valid second-level entries of {@code cpu}. */
  int validEntries(int cpu) {
    int n = 0;
    for (int c = 0; c < 2; c++) {
      int per = sets[c] * ways[c];
      for (int i = cpu * per; i < (cpu + 1) * per; i++) {
        if (valid(c, i, cpu)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Bytes held by the TLB arrays. */
  long arrayBytes() {
    long b = tick.length * 8L + (bigTags.length + hugeTags.length) * 4L + epoch.length * 4L
        + pcidGen.length * 4L + 4L * 8 * l1Tag.length;
    for (int c = 0; c < 2; c++) {
      b += 4L * 8 * tag[c].length + 8L * unsettled[c].length;
    }
    return b;
  }

  /** Entries per CPU of the shared STLB. */
  int stlbCapacity() {
    return sets[0] * ways[0];
  }
}
