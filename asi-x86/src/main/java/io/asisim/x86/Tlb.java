package io.asisim.x86;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;

/**
 * The per-CPU translation lookaside buffers: one set-associative array per page size (4 KiB, 2 MiB,
 * 1 GiB) per CPU, entries tagged by the 12-bit PCID, with a global bit. Geometry comes from the CPU
 * profile (the second-level STLB sizes, since an STLB miss is what costs a page walk). Replacement
 * is least-recently-used within a set (an invalid way first), which is deterministic.
 *
 * <p>Flushing a whole PCID or the whole TLB is O(1): every entry records the generation of its
 * PCID (and the CPU's epoch) at fill time and is valid only while they are unchanged, which is
 * exactly the architectural effect of a CR3 write without NOFLUSH or of INVPCID type 2/3.
 */
final class Tlb {
  static final int NR_PCIDS = 4096;
  private static final long VALID = 1L << 63;
  private static final long GLOBAL = 1L << 62;
  private static final long VPN_MASK = (1L << 36) - 1;
  private static final long VA_MASK = (1L << 48) - 1;
  private static final int[] SHIFTS = {12, 21, 30};

  private final int nrCpus;
  private final int[] sets = new int[3];
  private final int[] ways = new int[3];
  private final long[][] tag = new long[3][];
  private final long[][] frame = new long[3][]; // pfn << 1 | writable
  private final long[][] gen = new long[3][];
  private final long[][] stamp = new long[3][];
  private final long[] tick;
  private final int[] epoch;
  private final int[] pcidGen;

  /** Page shift of the last {@link #lookup} hit. */
  int lastShift;
  /** Whether the last hit allows writes. */
  boolean lastWritable;

  Tlb(int nrCpus, CpuProfile p) {
    this.nrCpus = nrCpus;
    geometry(0, p.get(Cost.TLB_4K_ENTRIES), p.get(Cost.TLB_4K_WAYS));
    geometry(1, p.get(Cost.TLB_2M_ENTRIES), p.get(Cost.TLB_2M_WAYS));
    geometry(2, p.get(Cost.TLB_1G_ENTRIES), p.get(Cost.TLB_1G_WAYS));
    tick = new long[nrCpus];
    epoch = new int[nrCpus];
    pcidGen = new int[nrCpus * NR_PCIDS];
  }

  private void geometry(int c, long entries, long nways) {
    if (nways < 1 || entries < nways || entries % nways != 0) {
      throw new IllegalArgumentException("TLB entries (" + entries + ") must be a positive multiple of ways (" + nways + ")");
    }
    sets[c] = (int) (entries / nways);
    ways[c] = (int) nways;
    int n = Math.toIntExact(entries * nrCpus);
    tag[c] = new long[n];
    frame[c] = new long[n];
    gen[c] = new long[n];
    stamp[c] = new long[n];
  }

  private static int sizeClass(int shift) {
    return shift == 12 ? 0 : shift == 21 ? 1 : 2;
  }

  private long expectedGen(int cpu, int pcid, boolean global) {
    long e = ((long) epoch[cpu]) << 32;
    return global ? e : e | (pcidGen[cpu * NR_PCIDS + pcid] & 0xffff_ffffL);
  }

  private boolean valid(int c, int i, int cpu) {
    long t = tag[c][i];
    if ((t & VALID) == 0) {
      return false;
    }
    boolean global = (t & GLOBAL) != 0;
    return gen[c][i] == expectedGen(cpu, (int) ((t >>> 48) & 0xfff), global);
  }

  /** The 4 KiB frame for {@code va} under {@code pcid}, or -1 on a miss. Updates LRU state. */
  long lookup(int cpu, int pcid, long va) {
    long v = va & VA_MASK;
    for (int c = 0; c < 3; c++) {
      int shift = SHIFTS[c];
      long vpn = v >>> shift;
      int w = ways[c];
      int base = (cpu * sets[c] + (int) (vpn % sets[c])) * w;
      long[] tg = tag[c];
      for (int i = base; i < base + w; i++) {
        long t = tg[i];
        if ((t & VALID) != 0 && (t & VPN_MASK) == vpn
            && ((t & GLOBAL) != 0 || (int) ((t >>> 48) & 0xfff) == pcid) && valid(c, i, cpu)) {
          stamp[c][i] = ++tick[cpu];
          lastShift = shift;
          long f = frame[c][i];
          lastWritable = (f & 1) != 0;
          return (f >>> 1) + ((v >>> 12) & ((1L << (shift - 12)) - 1));
        }
      }
    }
    return -1;
  }

  /**
   * Caches the translation of {@code va} by a leaf of size {@code shift} whose first frame is
   * {@code leafPfn}, replacing an invalid or the least recently used way.
   */
  void fill(int cpu, int pcid, long va, int shift, long leafPfn, boolean writable, boolean global) {
    int c = sizeClass(shift);
    long vpn = (va & VA_MASK) >>> shift;
    int w = ways[c];
    int base = (cpu * sets[c] + (int) (vpn % sets[c])) * w;
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
    tag[c][victim] = VALID | (global ? GLOBAL : 0) | (((long) pcid) << 48) | vpn;
    frame[c][victim] = (leafPfn << 1) | (writable ? 1 : 0);
    gen[c][victim] = expectedGen(cpu, pcid, global);
    stamp[c][victim] = ++tick[cpu];
  }

  /**
   * Drops the translation of {@code va}: entries tagged {@code pcid}, and global entries too when
   * {@code includeGlobal} (INVLPG does, INVPCID type 0 does not).
   */
  void invalidate(int cpu, int pcid, long va, boolean includeGlobal) {
    long v = va & VA_MASK;
    for (int c = 0; c < 3; c++) {
      long vpn = v >>> SHIFTS[c];
      int w = ways[c];
      int base = (cpu * sets[c] + (int) (vpn % sets[c])) * w;
      for (int i = base; i < base + w; i++) {
        long t = tag[c][i];
        if ((t & VALID) != 0 && (t & VPN_MASK) == vpn) {
          boolean global = (t & GLOBAL) != 0;
          if ((global && includeGlobal) || (!global && (int) ((t >>> 48) & 0xfff) == pcid)) {
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
    for (int c = 0; c < 3; c++) {
      int n = sets[c] * ways[c];
      for (int i = cpu * n; i < (cpu + 1) * n; i++) {
        long t = tag[c][i];
        if (pcid < 0 || ((t & GLOBAL) == 0 && (int) ((t >>> 48) & 0xfff) == pcid)) {
          tag[c][i] = 0;
        }
      }
    }
  }

  /** Visits valid entries: {@code pcidFilter} returns true for the PCIDs wanted. Allocation-free. */
  void forEach(int cpu, EntrySink sink) {
    for (int c = 0; c < 3; c++) {
      int n = sets[c] * ways[c];
      int shift = SHIFTS[c];
      for (int i = cpu * n; i < (cpu + 1) * n; i++) {
        if (valid(c, i, cpu)) {
          long t = tag[c][i];
          long va = (t & VPN_MASK) << shift;
          if ((va & (1L << 47)) != 0) {
            va |= ~VA_MASK; // sign-extend kernel addresses
          }
          sink.entry(cpu, (int) ((t >>> 48) & 0xfff), (t & GLOBAL) != 0, va, frame[c][i] >>> 1, shift);
        }
      }
    }
  }

  /** Receives entries from {@link #forEach}. */
  interface EntrySink {
    void entry(int cpu, int pcid, boolean global, long va, long pfn, int shift);
  }

  /** Valid entries of {@code cpu}. */
  int validEntries(int cpu) {
    int n = 0;
    for (int c = 0; c < 3; c++) {
      int per = sets[c] * ways[c];
      for (int i = cpu * per; i < (cpu + 1) * per; i++) {
        if (valid(c, i, cpu)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Capacity of size class 0/1/2 per CPU. */
  int capacity(int c) {
    return sets[c] * ways[c];
  }
}
