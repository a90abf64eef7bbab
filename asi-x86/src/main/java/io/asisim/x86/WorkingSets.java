package io.asisim.x86;

import static io.asisim.x86.CpuTlbState.TLB_NR_DYN_ASIDS;

/**
 * Working sets by counting: how many translations of the running task's user working set and of
 * the kernel's own footprint (text, stack, per-CPU data, slab) are resident, per CPU, per ASID slot
 * ({@code cpu_tlbstate.ctxs[]}) and per PCID kind (the unrestricted {@code kern_pcid()} and the
 * restricted ASI PCID). Nothing is replayed: {@code Machine.runUser()} and kernel entry compare the
 * wanted page counts with the resident counts and charge the difference as refills (page walks).
 *
 * <p>A counter is valid only while the {@link Tlb} generation of its PCID is unchanged, so every
 * flush that drops the PCID zeroes it without being hooked here: a CR3 write without NOFLUSH
 * ({@code load_new_mm_cr3()} in arch/x86/mm/tlb.c, ASI's {@code __asi_enter()} /
 * {@code asi_exit()} CR3 writes in bjackman/linux arch/x86/mm/asi.c), {@code flush_tlb_local()},
 * INVPCID all, an ASID recycled for another mm by {@code choose_new_asid()} and a stale ASID
 * flushed at {@code switch_mm_irqs_off()}. Kernel translations are global without ASI (no PTI):
 * then the kernel footprint survives CR3 writes and only a flush of globals drops it.
 *
 * <p>Capacity: data translations (user data and the kernel footprint's data part) share the STLB
 * capacity, text translations the iTLB capacity ({@code itlb-entries}); filling one counter beyond
 * the CPU's capacity evicts from the least recently used other counters first, then from the other
 * part (user or kernel) of the same PCID. Single-page invalidations (INVLPG) are not applied to the
 * counts (the working sets have no addresses). Partly modelled: docs/deviations.md.
 *
 * <p>A stretch of user code touches only as many distinct pages as its length allows: at most
 * {@code cycles / }{@link #CYCLES_PER_DISTINCT_PAGE} of them, drawn evenly from the working set,
 * so a stretch of {@code t} touches with {@code r} of {@code W} pages resident refills
 * {@code t * (W - r) / W} (all of {@code W - r} once {@code t} reaches {@code W}). A short stretch
 * after a flush therefore refills a part of the working set, and the rest as the task keeps running.
 *
 * <p>Refill walk cost per page, an estimate: the upper three levels hit L1/L2
 * ({@code page-walk-level} each); the leaf PTE's line is L2-resident while the footprint's data
 * (pages x 4 KiB, plus its PTE lines) fits in L2, else it comes from the LLC ({@code llc-latency}).
 * In a guest each refill also reads the host's tables ({@link KvmGuest#walks}, four guest levels).
 */
final class WorkingSets {
  /**
   * Estimate: user cycles per distinct page touched, the fastest a task's code moves on to a page it
   * has not touched in the current stretch. Taken as 200: at about one instruction per cycle, one
   * instruction in ~200 reaching a page new to the stretch is the order of the L1 dTLB miss rates of
   * a few per 1000 instructions that compilers show (each such miss is at most one new page), and a
   * page walk (~60-200 cycles on the modelled CPUs) per new page bounds the rate from the other side.
   * Not measured: the calibration guest has no PMU (docs/calibration.md).
   */
  static final long CYCLES_PER_DISTINCT_PAGE = 200;

  private static final int USER = 0;
  private static final int KERN = 1;

  private final CpuTlbState s;
  private final KvmGuest guest;
  private final Tlb tlb;
  private final CpuClocks clocks;
  private final Costs costs;
  private final MachineCounters counters;
  private final boolean asi;
  private final int dataCap;
  private final int textCap;
  private final int kernData;
  private final int kernText;
  /** Per counter index: resident data / text pages of the user working set and the kernel footprint. */
  private final int[] data;
  private final int[] text;
  private final long[] gen;
  private final long[] lastUse;
  private final long[] tick;

  WorkingSets(CpuTlbState s, Tlb tlb, CpuClocks clocks, Costs costs, MachineCounters counters, KvmGuest guest,
      boolean asi, int kernelDataPages, int kernelTextPages) {
    this.guest = guest;
    this.s = s;
    this.tlb = tlb;
    this.clocks = clocks;
    this.costs = costs;
    this.counters = counters;
    this.asi = asi;
    this.dataCap = tlb.stlbCapacity();
    this.textCap = costs.itlbEntries;
    this.kernData = kernelDataPages;
    this.kernText = kernelTextPages;
    int n = s.nrCpus * TLB_NR_DYN_ASIDS * 2;
    data = new int[n * 2];
    text = new int[n * 2];
    gen = new long[n * 2];
    lastUse = new long[n];
    tick = new long[s.nrCpus];
  }

  /** Counter slot of (cpu, asid, restricted); {@code * 2 + USER/KERN} indexes the arrays. */
  private static int slot(int cpu, int asid, boolean restricted) {
    return (cpu * TLB_NR_DYN_ASIDS + asid) * 2 + (restricted ? 1 : 0);
  }

  private int pcidOf(int slot) {
    int asid = (slot >> 1) % TLB_NR_DYN_ASIDS;
    return (slot & 1) != 0 ? X86Cr3.asiPcid(asid) : X86Cr3.kernPcid(asid);
  }

  /** Zeroes counter {@code i} if its PCID was flushed since it was last updated. */
  private void validate(int cpu, int i) {
    boolean global = (i & 1) == KERN && !asi;
    revalidate(i, tlb.generation(cpu, pcidOf(i >> 1), global));
  }

  /**
   * {@link #validate} of every counter of {@code cpu} (slots {@code first} on): what
   * {@link #evict} needs on every refill, so the PCID of each slot is computed from its position
   * rather than divided out, and one generation is read per PCID (both parts share it unless the
   * kernel part is global).
   */
  private void validateCpu(int cpu, int first) {
    boolean kernGlobal = !asi;
    long globalGen = kernGlobal ? tlb.generation(cpu, 0, true) : 0;
    for (int asid = 0; asid < TLB_NR_DYN_ASIDS; asid++) {
      for (int r = 0; r < 2; r++) {
        int i = (first + asid * 2 + r) * 2;
        long g = tlb.generation(cpu, r != 0 ? X86Cr3.asiPcid(asid) : X86Cr3.kernPcid(asid), false);
        revalidate(i + USER, g);
        revalidate(i + KERN, kernGlobal ? globalGen : g);
      }
    }
  }

  /** Zeroes counter {@code i} unless it was last updated under generation {@code g}. */
  private void revalidate(int i, long g) {
    if (gen[i] != g) {
      gen[i] = g;
      data[i] = 0;
      text[i] = 0;
    }
  }

  /**
   * {@code runUser()}: {@code cycles} of user code touch the user working set of the loaded mm in
   * the PCID user mode runs in (the restricted one while ASI is entered, as after
   * {@code asi_enter_userspace()}), at most {@code cycles / CYCLES_PER_DISTINCT_PAGE} distinct pages
   * of it (class Javadoc).
   */
  void runUser(int cpu, long cycles, int dataPages, int textPages) {
    long n = fill(cpu, USER, dataPages, textPages, dataPages, Math.max(0, cycles) / CYCLES_PER_DISTINCT_PAGE);
    counters.tlbRefillsUser.add(n);
  }

  /** The kernel's footprint in the PCID the kernel now runs in (kernel entry, after asi_exit / switch_mm). */
  void kernelEntry(int cpu) {
    long n = fill(cpu, KERN, kernData, kernText, kernData, Long.MAX_VALUE);
    counters.tlbRefillsKernel.add(n);
  }

  /**
   * Refills part {@code part} of the current PCID's counters: a stretch touching at most
   * {@code touches} distinct pages, split between data and text in proportion to their sizes.
   */
  private long fill(int cpu, int part, int wantData, int wantText, int footprintPages, long touches) {
    if ((wantData <= 0 && wantText <= 0) || touches <= 0) {
      return 0;
    }
    // without ASI kernel translations are global: one footprint for every ASID, kept in a slot of its
    // own (the restricted slot of ASID 0, unused without ASI) so that its recency is its own and not
    // shared with the user working set of whichever process holds ASID 0
    int sl = part == KERN && !asi ? slot(cpu, 0, true) : slot(cpu, s.loadedMmAsid[cpu], s.currAsi[cpu]);
    int i = sl * 2 + part;
    validate(cpu, i);
    validate(cpu, i ^ 1);
    lastUse[sl] = ++tick[cpu];
    int ws = Math.min(Math.max(wantData, 0), dataCap);
    int wt = Math.min(Math.max(wantText, 0), textCap);
    // split in proportion, rounded to the nearest page so that a stretch of even 1-3 touches reaches
    // both parts over time (rounding both down left a small part untouched for ever)
    long touchD = touches >= (long) ws + wt ? ws : (touches * ws * 2 + ws + wt) / (2L * (ws + wt));
    long touchT = touches >= (long) ws + wt ? wt : touches - touchD;
    int missD = misses(ws, data[i], touchD);
    int missT = misses(wt, text[i], touchT);
    data[i] += missD;
    text[i] += missT;
    if (missD > 0) {
      evict(cpu, sl, i, data, dataCap);
    }
    if (missT > 0) {
      evict(cpu, sl, i, text, textCap);
    }
    long refills = (long) missD + missT;
    if (refills > 0) {
      clocks.charge(cpu, refills * walkCost(footprintPages));
      guest.walks(cpu, refills, 4); // in a guest, the host dimension of each refill walk
    }
    return refills;
  }

  /**
   * Misses of {@code touches} distinct pages drawn evenly from {@code want} of which {@code resident}
   * are resident: the expected {@code touches * absent / want}, rounded up so that repeated short
   * stretches converge to the whole set (rounded down, the last {@code want / touches} absent pages
   * were never refilled).
   */
  private static int misses(int want, int resident, long touches) {
    int absent = Math.max(0, want - resident);
    if (touches >= want) {
      return absent;
    }
    return (int) Math.min(absent, (touches * absent + want - 1) / want);
  }

  /** Evicts from other counters of {@code cpu} until {@code pool} fits {@code cap}, keeping {@code keep}. */
  private void evict(int cpu, int keepSlot, int keep, int[] pool, int cap) {
    int first = cpu * TLB_NR_DYN_ASIDS * 2;
    int last = first + TLB_NR_DYN_ASIDS * 2;
    validateCpu(cpu, first);
    long total = 0;
    for (int sl = first; sl < last; sl++) {
      total += pool[sl * 2] + pool[sl * 2 + 1];
    }
    while (total > cap) {
      int victim = -1;
      for (int sl = first; sl < last; sl++) {
        if (sl != keepSlot && pool[sl * 2] + pool[sl * 2 + 1] > 0
            && (victim < 0 || lastUse[sl] < lastUse[victim])) {
          victim = sl;
        }
      }
      int idx;
      if (victim >= 0) {
        idx = pool[victim * 2 + KERN] > 0 ? victim * 2 + KERN : victim * 2 + USER;
      } else {
        idx = keep ^ 1; // the other part of the same PCID
      }
      int take = (int) Math.min(pool[idx], total - cap);
      pool[idx] -= take;
      total -= take;
      if (take == 0) {
        break;
      }
    }
  }

  /** Cycles to walk one translation of a footprint of {@code pages} data pages (class Javadoc). */
  long walkCost(int pages) {
    long bytes = (long) pages * 4096 + ((pages + 7L) / 8) * 64;
    long leaf = bytes <= costs.l2Kib * 1024 ? costs.walkLevel : costs.llcLatency;
    return 3 * costs.walkLevel + leaf;
  }

  /** Resident user data pages of (cpu, asid, restricted), for tests. */
  int residentUserData(int cpu, int asid, boolean restricted) {
    int i = slot(cpu, asid, restricted) * 2 + USER;
    validate(cpu, i);
    return data[i];
  }

  /** Bytes held by the counters. */
  long arrayBytes() {
    return data.length * 8L + gen.length * 8L + lastUse.length * 8L + tick.length * 8L;
  }
}
