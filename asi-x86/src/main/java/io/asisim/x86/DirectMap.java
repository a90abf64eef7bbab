package io.asisim.x86;

import io.asisim.api.machine.AddressSpaces;

/**
 * The kernel half of the page tables, shared by every mm, and the direct-map permission changes.
 * Boot: {@code init_mm}'s PGD with the unrestricted direct map ({@code init_mem_mapping()} →
 * {@code kernel_physical_mapping_init()} in arch/x86/mm/init_64.c: 1 GiB leaves where a whole
 * aligned GiB is present, 2 MiB leaves elsewhere), the vmalloc PUD tables
 * ({@code preallocate_vmalloc_pages()}), and under ASI {@code asi_global_nonsensitive_pgd}
 * (bjackman/linux arch/x86/mm/asi.c) with the restricted direct map (PMD tables preallocated,
 * every 2 MiB entry empty) sharing the vmalloc tables. Afterwards:
 * {@code set_direct_map_invalid_noflush()} / {@code set_direct_map_default_noflush()}
 * (arch/x86/mm/pat/set_memory.c: {@code __change_page_attr()} splitting partly covered large
 * leaves with {@code split_large_page()}, -ENOMEM when no table page is left) and
 * {@code asi_map()} / {@code asi_unmap()} on the restricted direct map. Callers flush.
 */
final class DirectMap {
  static final int KERNEL_PGD_BOUNDARY = 256;
  private static final long PAGES_PER_GIB = 1L << 18;

  private final PageTables pt;
  private final CpuClocks clocks;
  private final Costs costs;
  private final MachineCounters counters;
  private final boolean asi;
  private final long kernelGlobal;
  private final int kernPgd;
  private final int asiGlobalPgd;
  /** Whether permission changes of the unrestricted direct map are mirrored into the restricted one. */
  private final boolean mirror;
  private final ReadOnlyFrames ro;
  /** Frames hot-removed ({@link #removeMemory}) and not added back. */
  private final java.util.BitSet removed = new java.util.BitSet();

  /** Builds the boot kernel page tables; their frames come from the boot allocator. */
  DirectMap(PageTables pt, long nrFrames, CpuClocks clocks, Costs costs, MachineCounters counters, boolean asi,
      boolean mirror) {
    this.mirror = mirror;
    this.ro = new ReadOnlyFrames(nrFrames);
    this.pt = pt;
    this.clocks = clocks;
    this.costs = costs;
    this.counters = counters;
    this.asi = asi;
    this.kernelGlobal = asi ? 0 : Pte.GLOBAL; // ASI drops the global bit from kernel mappings
    kernPgd = mustAlloc();
    buildDirectMap(nrFrames);
    preallocate(kernPgd, AddressSpaces.VMALLOC_START, AddressSpaces.VMALLOC_END);
    if (asi) {
      asiGlobalPgd = mustAlloc();
      buildRestrictedDirectMap(nrFrames);
      for (int i = KERNEL_PGD_BOUNDARY; i < PageTables.ENTRIES; i++) {
        if (pt.child(asiGlobalPgd, i) < 0 && pt.child(kernPgd, i) >= 0) { // not the direct map
          pt.copyEntry(kernPgd, asiGlobalPgd, i); // vmalloc PUDs are shared: visible restricted
        }
      }
    } else {
      asiGlobalPgd = -1;
    }
  }

  /** {@code init_mm.pgd} ({@code swapper_pg_dir}). */
  int kernPgd() {
    return kernPgd;
  }

  /** {@code asi_global_nonsensitive_pgd}, -1 without ASI. */
  int asiGlobalPgd() {
    return asiGlobalPgd;
  }

  /** The global bit kernel leaves carry: none under ASI, which drops {@code _PAGE_GLOBAL}. */
  long kernelGlobal() {
    return kernelGlobal;
  }

  private int mustAlloc() {
    int s = pt.alloc(0);
    if (s < 0) {
      throw new IllegalStateException("no memory for boot page tables");
    }
    return s;
  }

  private void buildDirectMap(long frames) {
    for (long pfn = 0; pfn < frames; ) {
      long va = AddressSpaces.directMapVa(pfn);
      int pud = pt.tableFor(0, kernPgd, va, 30);
      if (pfn % PAGES_PER_GIB == 0 && pfn + PAGES_PER_GIB <= frames) {
        pt.setLeaf(pud, PageTables.index(va, 30), Pte.make(pfn, Pte.KERNEL | Pte.PSE | kernelGlobal));
        pfn += PAGES_PER_GIB;
      } else {
        int pmd = pt.tableFor(0, kernPgd, va, 21);
        pt.setLeaf(pmd, PageTables.index(va, 21), Pte.make(pfn, Pte.KERNEL | Pte.PSE | kernelGlobal));
        pfn += 512;
      }
    }
  }

  private void buildRestrictedDirectMap(long frames) {
    for (long pfn = 0; pfn < frames; pfn += PAGES_PER_GIB) {
      if (pt.tableFor(0, asiGlobalPgd, AddressSpaces.directMapVa(pfn), 21) < 0) {
        throw new IllegalStateException("no memory for boot page tables");
      }
    }
  }

  private void preallocate(int pgd, long start, long end) {
    for (long va = start; Long.compareUnsigned(va, end) < 0; va += 1L << 39) {
      if (pt.tableFor(0, pgd, va, 30) < 0) {
        throw new IllegalStateException("no memory for boot page tables");
      }
    }
  }

  /**
   * {@code set_direct_map_default_noflush()} / {@code set_direct_map_invalid_noflush()} over a
   * range: leaves wholly inside the range change in place, partly covered 1 GiB / 2 MiB leaves
   * are split first ({@code direct_map_splits}). On -ENOMEM what changed is undone.
   */
  boolean setDirectMapped(int cpu, long pfn, long count, boolean present) {
    return changeAttr(cpu, pfn, count, present ? Pte.PRESENT : 0, present ? 0 : Pte.PRESENT);
  }

  /**
   * {@code __change_page_attr_set_clr()} on the unrestricted direct map: sets {@code set} and
   * clears {@code clear} in every leaf of the range, splitting partly covered large leaves. The
   * callers toggle bits, so the inverse change undoes a partial one on -ENOMEM.
   */
  private boolean changeAttr(int cpu, long pfn, long count, long set, long clear) {
    long end = pfn + count;
    long p = pfn;
    while (p < end) {
      long va = AddressSpaces.directMapVa(p);
      int slot = pt.child(kernPgd, PageTables.index(va, 39));
      int shift = 30;
      while (true) {
        int idx = PageTables.index(va, shift);
        long e = pt.get(slot, idx);
        long span = 1L << (shift - 12);
        boolean leaf = shift == 12 || Pte.large(e);
        if (leaf) {
          if (p % span == 0 && p + span <= end) {
            pt.setLeaf(slot, idx, (e | set) & ~clear);
            clocks.charge(cpu, costs.pteWrite);
            p += span;
            break;
          }
          int t = pt.split(cpu, slot, idx, shift);
          if (t < 0) {
            // -ENOMEM: undo what changed (its tables exist, so the undo needs no split)
            if (p > pfn) {
              changeAttr(cpu, pfn, p - pfn, clear, set);
            }
            return false;
          }
          counters.directMapSplits.inc();
          clocks.charge(cpu, costs.pteWrite * PageTables.ENTRIES);
          slot = t;
        } else {
          slot = pt.child(slot, idx);
        }
        shift -= 9;
      }
    }
    return true;
  }

  /**
   * {@code set_memory_ro()} / {@code set_memory_rw()} reaching the direct-map alias of
   * {@code [pfn, pfn + count)} ({@code cpa_process_alias()} for a vmalloc'd module or BPF image):
   * the unrestricted direct map's {@code _PAGE_RW} changes, splitting large leaves
   * ({@code direct_map_splits}). With mirroring the restricted direct map's leaves of the frames it
   * maps change too, splitting its 2 MiB leaves ({@code restricted_map_splits}); without it (the
   * posted series, whose cover letter lists this as open) they keep {@code _PAGE_RW}. On -ENOMEM
   * nothing is changed.
   */
  boolean setReadOnly(int cpu, long pfn, long count, boolean readOnly) {
    if (!changeAttr(cpu, pfn, count, readOnly ? 0 : Pte.RW, readOnly ? Pte.RW : 0)) {
      return false;
    }
    if (mirror && asi && !restrictedChange(cpu, pfn, count, readOnly ? RO : RW)) {
      changeAttr(cpu, pfn, count, readOnly ? Pte.RW : 0, readOnly ? 0 : Pte.RW);
      return false;
    }
    for (long p = pfn; p < pfn + count; p++) {
      ro.set(p, readOnly);
    }
    return true;
  }

  /**
   * {@code arch_remove_memory()} → {@code kernel_physical_mapping_remove()} of an offlined block:
   * its unrestricted direct-map leaves cleared, large leaves partly covered split first
   * ({@code direct_map_splits}; the kernel leaves a partly covered leaf mapped, docs/deviations.md).
   * With mirroring the restricted direct map's entries of the block go too; without it (the posted
   * series lists hotplug as open) they stay, and a restricted CPU still reaches offline memory.
   * On -ENOMEM nothing is changed.
   */
  boolean removeMemory(int cpu, long pfn, long count) {
    if (!changeAttr(cpu, pfn, count, 0, Pte.PRESENT)) {
      return false;
    }
    if (mirror && asi && !restrictedChange(cpu, pfn, count, UNMAP)) {
      changeAttr(cpu, pfn, count, Pte.PRESENT, 0);
      return false;
    }
    removed.set((int) pfn, (int) (pfn + count));
    return true;
  }

  /**
   * {@code arch_add_memory()} → {@code kernel_physical_mapping_init()}: the block's unrestricted
   * leaves present again (the split tables stay). Nothing enters the restricted direct map: the
   * onlined pages are sensitive.
   */
  boolean addMemory(int cpu, long pfn, long count) {
    if (!changeAttr(cpu, pfn, count, Pte.PRESENT, 0)) {
      return false;
    }
    removed.clear((int) pfn, (int) (pfn + count));
    return true;
  }

  /** Whether {@code pfn} was hot-removed and not added back. */
  boolean isHotRemoved(long pfn) {
    return removed.get((int) pfn);
  }

  /**
   * Whether the restricted direct map lets a restricted CPU write {@code pfn} where the
   * unrestricted one does not (the checker's "no more rights restricted" rule).
   */
  boolean restrictedGrantsWrite(long pfn) {
    if (!asi || !ro.has(pfn) || pt.walk(asiGlobalPgd, AddressSpaces.directMapVa(pfn)) < 0) {
      return false;
    }
    return (pt.lastEntry & Pte.RW) != 0;
  }

  /** Whether the unrestricted direct map translates {@code pfn}. */
  boolean isDirectMapped(long pfn) {
    return pt.walk(kernPgd, AddressSpaces.directMapVa(pfn)) >= 0;
  }

  /**
   * {@code asi_map()} / {@code asi_unmap()}: makes a range present or not in the restricted direct
   * map. A whole pageblock sets or clears one PMD; a partial one splits the PMD into a PTE table
   * first ({@code restricted_map_splits}), which the pageblock-granular RFC never needs.
   */
  boolean setRestrictedMapped(int cpu, long pfn, long count, boolean present) {
    return !asi || restrictedChange(cpu, pfn, count, present ? MAP : UNMAP);
  }

  /** {@link #restrictedChange} operations: make present (nonsensitive), not present, read-only, writable. */
  private static final int MAP = 0;
  private static final int UNMAP = 1;
  private static final int RO = 2;
  private static final int RW = 3;

  /**
   * One walk of the restricted direct map over {@code [pfn, pfn + count)} for {@link #setRestrictedMapped}
   * ({@code MAP}, {@code UNMAP}) and a mirrored {@link #setReadOnly} ({@code RO}, {@code RW}, which
   * touch only present entries). A whole pageblock changes its one 2 MiB entry; anything finer
   * splits it into a PTE table ({@code restricted_map_splits}); a mirrored {@code MAP} of a
   * pageblock holding read-only frames maps it by PTEs that keep them read-only. On -ENOMEM the
   * inverse operation undoes what changed (its tables exist, so the undo needs no split).
   */
  private boolean restrictedChange(int cpu, long pfn, long count, int op) {
    boolean perm = op >= RO;
    long end = pfn + count;
    for (long p = pfn; p < end; ) {
      long va = AddressSpaces.directMapVa(p);
      int pmd = pt.findTable(asiGlobalPgd, va, 21);
      int idx = PageTables.index(va, 21);
      long block = p & ~511L;
      long stop = Math.min(end, block + 512);
      int pte = pt.child(pmd, idx);
      long e = pt.get(pmd, idx);
      if (perm && pte < 0 && !Pte.present(e)) {
        p = stop; // not mapped restricted: no permission to change
        continue;
      }
      boolean keepRo = op == MAP && mirror && ro.inBlock(block) > 0;
      if (pte < 0 && p == block && stop == block + 512 && !keepRo) {
        pt.setLeaf(pmd, idx, entry(op, e, block, true, false));
        clocks.charge(cpu, costs.pteWrite);
        p = stop;
        continue;
      }
      if (pte < 0) {
        pte = pt.split(cpu, pmd, idx, 21);
        if (pte < 0) {
          if (p > pfn) {
            restrictedChange(cpu, pfn, p - pfn, op ^ 1); // MAP <-> UNMAP, RO <-> RW
          }
          return false;
        }
        counters.restrictedMapSplits.inc();
        clocks.charge(cpu, costs.pteWrite * PageTables.ENTRIES);
      }
      for (; p < stop; p++) {
        int i = (int) (p - block);
        long f = pt.get(pte, i);
        if (!perm || Pte.present(f)) {
          pt.setLeaf(pte, i, entry(op, f, p, false, keepRo && ro.has(p)));
          clocks.charge(cpu, costs.pteWrite);
        }
      }
    }
    return true;
  }

  /** The restricted entry {@code op} leaves in place of {@code old}, a 2 MiB leaf or a PTE for {@code pfn}. */
  private static long entry(int op, long old, long pfn, boolean large, boolean readOnly) {
    switch (op) {
      case MAP:
        return Pte.make(pfn, (Pte.KERNEL | (large ? Pte.PSE : 0)) & ~(readOnly ? Pte.RW : 0));
      case UNMAP:
        return 0;
      case RO:
        return old & ~Pte.RW;
      default:
        return old | Pte.RW;
    }
  }

  /** {@link io.asisim.api.machine.ArchPageOps#restrictedPageblockMapped}: the PMD entry's answer. */
  int restrictedPageblockMapped(long pfn) {
    if (!asi) {
      return 0;
    }
    long va = AddressSpaces.directMapVa(pfn);
    int pmd = pt.findTable(asiGlobalPgd, va, 21);
    if (pmd < 0) {
      return -1;
    }
    int idx = PageTables.index(va, 21);
    if (pt.child(pmd, idx) >= 0) {
      return -1;
    }
    return Pte.present(pt.get(pmd, idx)) ? 1 : 0;
  }

  /** Whether the restricted direct map translates {@code pfn} (never without ASI). */
  boolean isRestrictedMapped(long pfn) {
    return asi && pt.walk(asiGlobalPgd, AddressSpaces.directMapVa(pfn)) >= 0;
  }
}
