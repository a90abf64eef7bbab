package io.asisim.x86;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.CpuMask;
import java.util.Arrays;

/**
 * The kernel's page tables: {@code init_mm}'s PGD with the unrestricted direct map
 * ({@code kernel_physical_mapping_init()} in arch/x86/mm/init_64.c: 1 GiB leaves where a whole
 * aligned GiB is present, 2 MiB leaves elsewhere) and preallocated vmalloc PUD tables
 * ({@code preallocate_vmalloc_pages()}); {@code asi_global_nonsensitive_pgd} with the restricted
 * direct map (PMD tables preallocated, every 2 MiB entry empty at boot) sharing the vmalloc
 * tables; and per-mm PGDs ({@code pgd_alloc()}, {@code asi_init()}) whose kernel half copies the
 * shared entries and whose user half the restricted PGD copies ({@code __asi_init_user_pgds()},
 * kept in sync when a new user PGD entry appears as {@code __asi_clone_user_pgd()} does). Also the
 * direct-map permission changes of arch/x86/mm/pat/set_memory.c and {@code asi_map()} /
 * {@code asi_unmap()} on the restricted direct map.
 */
final class X86AddressSpaces implements AddressSpaces {
  private static final int KERNEL_PGD_BOUNDARY = 256;
  private static final int MM_LOCAL_PGD = PageTables.index(MM_LOCAL_START, 39);
  private static final long PAGES_PER_GIB = 1L << 18;

  private final X86Machine m;
  private final PageTables pt;
  private final boolean asi;
  private final long kernelGlobal;
  private final int kernPgd;
  private final int asiGlobalPgd;
  private final int mmLocalSlots;

  private int[] mmPgd = new int[16];
  private int[] mmAsiPgd = new int[16];
  private CpuMask[] mmCpumask = new CpuMask[16];
  private int nrMms;

  X86AddressSpaces(X86Machine m, PageTables pt, int mmLocalSlots) {
    this.m = m;
    this.pt = pt;
    this.asi = m.config().asi();
    this.kernelGlobal = asi ? 0 : Pte.GLOBAL; // ASI drops the global bit from kernel mappings
    this.mmLocalSlots = mmLocalSlots;
    if ((long) m.nrCpus() * mmLocalSlots > 512L * 512) {
      throw new IllegalArgumentException("mm-local region too small for cpus x slots");
    }
    kernPgd = mustAlloc();
    buildDirectMap();
    preallocate(kernPgd, VMALLOC_START, VMALLOC_END);
    if (asi) {
      asiGlobalPgd = mustAlloc();
      buildRestrictedDirectMap();
      for (int i = KERNEL_PGD_BOUNDARY; i < PageTables.ENTRIES; i++) {
        if (pt.child(asiGlobalPgd, i) < 0 && pt.child(kernPgd, i) >= 0) { // not the direct map
          pt.copyEntry(kernPgd, asiGlobalPgd, i); // vmalloc PUDs are shared: visible restricted
        }
      }
    } else {
      asiGlobalPgd = -1;
    }
    mmPgd[0] = kernPgd;
    mmAsiPgd[0] = -1;
    mmCpumask[0] = new CpuMask();
    nrMms = 1;
  }

  private int mustAlloc() {
    int s = pt.alloc(0);
    if (s < 0) {
      throw new IllegalStateException("no memory for boot page tables");
    }
    return s;
  }

  private void buildDirectMap() {
    long frames = m.nrFrames();
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

  private void buildRestrictedDirectMap() {
    long frames = m.nrFrames();
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

  // ---- mm lifecycle -------------------------------------------------------------------------

  @Override
  public long mmCreate(int cpu) {
    int pgd = pt.alloc(cpu);
    if (pgd < 0) {
      return -1;
    }
    for (int i = KERNEL_PGD_BOUNDARY; i < PageTables.ENTRIES; i++) {
      pt.copyEntry(kernPgd, pgd, i); // pgd_ctor(): clone_pgd_range of the kernel half
    }
    int asiPgd = -1;
    if (asi) {
      asiPgd = pt.alloc(cpu);
      if (asiPgd < 0) {
        pt.free(cpu, pgd);
        return -1;
      }
      for (int i = KERNEL_PGD_BOUNDARY; i < PageTables.ENTRIES; i++) {
        pt.copyEntry(asiGlobalPgd, asiPgd, i);
      }
    }
    // mm-local region: PUD, PMD and PTE tables preallocated so that mapping a slot never allocates
    long lastVa = mmLocalSlotVa(m.nrCpus() - 1, mmLocalSlots - 1);
    for (long va = MM_LOCAL_START; va <= lastVa; va += 512L << 12) {
      if (pt.tableFor(cpu, pgd, va, 12) < 0) {
        destroyTables(cpu, pgd, asiPgd);
        return -1;
      }
    }
    if (asiPgd >= 0) {
      pt.copyEntry(pgd, asiPgd, MM_LOCAL_PGD);
    }
    if (nrMms == mmPgd.length) {
      mmPgd = Arrays.copyOf(mmPgd, nrMms * 2);
      mmAsiPgd = Arrays.copyOf(mmAsiPgd, nrMms * 2);
      mmCpumask = Arrays.copyOf(mmCpumask, nrMms * 2);
    }
    mmPgd[nrMms] = pgd;
    mmAsiPgd[nrMms] = asiPgd;
    mmCpumask[nrMms] = new CpuMask();
    return nrMms++;
  }

  private void destroyTables(int cpu, int pgd, int asiPgd) {
    for (int i = 0; i < KERNEL_PGD_BOUNDARY; i++) {
      int c = pt.child(pgd, i);
      if (c >= 0) {
        pt.freeTree(cpu, c, 30);
      }
    }
    int local = pt.child(pgd, MM_LOCAL_PGD);
    if (local >= 0 && local != pt.child(kernPgd, MM_LOCAL_PGD)) {
      pt.freeTree(cpu, local, 30);
    }
    pt.free(cpu, pgd);
    if (asiPgd >= 0) {
      pt.free(cpu, asiPgd);
    }
  }

  @Override
  public void mmDestroy(int cpu, long mm) {
    int id = checkMm(mm);
    if (id == 0) {
      throw new IllegalArgumentException("init_mm cannot be destroyed");
    }
    for (int c = 0; c < m.nrCpus(); c++) {
      if (m.loadedMm[c] == mm) {
        throw new IllegalStateException("mm " + mm + " is still loaded on cpu " + c);
      }
    }
    m.tlbOps().forgetMm(mm);
    destroyTables(cpu, mmPgd[id], mmAsiPgd[id]);
    mmPgd[id] = -1;
    mmAsiPgd[id] = -1;
  }

  private int checkMm(long mm) {
    if (mm < 0 || mm >= nrMms || mmPgd[(int) mm] < 0) {
      throw new IllegalArgumentException("no such mm: " + mm);
    }
    return (int) mm;
  }

  @Override
  public void switchMm(int cpu, long mm) {
    checkMm(mm);
    m.tlbOps().switchMm(cpu, mm);
  }

  @Override
  public long loadedMm(int cpu) {
    return m.loadedMm[cpu];
  }

  /** The PGD slot of {@code mm}'s unrestricted or restricted tables (-1 if none). */
  int root(long mm, boolean restricted) {
    int id = checkMm(mm);
    return restricted ? mmAsiPgd[id] : mmPgd[id];
  }

  CpuMask cpumask(long mm) {
    return mmCpumask[checkMm(mm)];
  }

  // ---- user, kernel-area and mm-local mappings ----------------------------------------------

  @Override
  public boolean mapUser(int cpu, long mm, long va, long pfn, boolean writable) {
    if (Long.compareUnsigned(va, USER_END) >= 0) {
      throw new IllegalArgumentException("not a user address: 0x" + Long.toHexString(va));
    }
    int id = checkMm(mm);
    int pte = pt.tableFor(cpu, mmPgd[id], va, 12);
    if (pte < 0) {
      return false;
    }
    if (mmAsiPgd[id] >= 0) {
      pt.copyEntry(mmPgd[id], mmAsiPgd[id], PageTables.index(va, 39)); // shared user half
    }
    long flags = Pte.PRESENT | Pte.USER | Pte.ACCESSED | Pte.NX | (writable ? Pte.RW | Pte.DIRTY : 0);
    pt.setLeaf(pte, PageTables.index(va, 12), Pte.make(pfn, flags));
    m.charge(cpu, m.costs().pteWrite);
    return true;
  }

  @Override
  public long unmapUser(int cpu, long mm, long va) {
    return clearPte(cpu, mmPgd[checkMm(mm)], va);
  }

  private long clearPte(int cpu, int root, long va) {
    int pte = pt.findTable(root, va, 12);
    if (pte < 0) {
      return -1;
    }
    int idx = PageTables.index(va, 12);
    long e = pt.get(pte, idx);
    pt.setLeaf(pte, idx, 0);
    m.charge(cpu, m.costs().pteWrite);
    return Pte.present(e) ? Pte.pfn(e) : -1;
  }

  @Override
  public boolean mapKernel(int cpu, long va, long pfn) {
    if (Long.compareUnsigned(va, VMALLOC_START) < 0 || Long.compareUnsigned(va, VMALLOC_END) >= 0) {
      throw new IllegalArgumentException("not in the shared kernel area: 0x" + Long.toHexString(va));
    }
    int pte = pt.tableFor(cpu, kernPgd, va, 12);
    if (pte < 0) {
      return false;
    }
    pt.setLeaf(pte, PageTables.index(va, 12), Pte.make(pfn, Pte.KERNEL | kernelGlobal));
    m.charge(cpu, m.costs().pteWrite);
    return true;
  }

  @Override
  public long unmapKernel(int cpu, long va) {
    return clearPte(cpu, kernPgd, va);
  }

  @Override
  public int mmLocalSlots() {
    return mmLocalSlots;
  }

  @Override
  public long mmLocalSlotVa(int cpu, int slot) {
    if (slot < 0 || slot >= mmLocalSlots || cpu < 0 || cpu >= m.nrCpus()) {
      throw new IllegalArgumentException("no mm-local slot " + slot + " on cpu " + cpu);
    }
    return MM_LOCAL_START + (((long) cpu * mmLocalSlots + slot) << 12);
  }

  @Override
  public void mapMmLocal(int cpu, long mm, long va, long pfn) {
    int pte = mmLocalPte(mm, va);
    pt.setLeaf(pte, PageTables.index(va, 12), Pte.make(pfn, Pte.KERNEL));
    m.charge(cpu, m.costs().pteWrite);
  }

  @Override
  public long unmapMmLocal(int cpu, long mm, long va) {
    mmLocalPte(mm, va);
    return clearPte(cpu, mmPgd[(int) mm], va);
  }

  private int mmLocalPte(long mm, long va) {
    int id = checkMm(mm);
    if (id == 0 || Long.compareUnsigned(va, MM_LOCAL_START) < 0
        || Long.compareUnsigned(va, mmLocalSlotVa(m.nrCpus() - 1, mmLocalSlots - 1)) > 0) {
      throw new IllegalArgumentException("not an mm-local slot of a user mm: 0x" + Long.toHexString(va));
    }
    return pt.findTable(mmPgd[id], va, 12);
  }

  @Override
  public long translate(long mm, boolean restricted, long va) {
    int root = root(mm, restricted);
    return root < 0 ? -1 : pt.walk(root, va);
  }

  @Override
  public int leafShift(long mm, boolean restricted, long va) {
    int root = root(mm, restricted);
    if (root < 0 || pt.walk(root, va) < 0) {
      return -1;
    }
    return pt.lastShift;
  }

  @Override
  public long pagetablePages() {
    return pt.inUse();
  }

  // ---- direct maps (ArchPageOps) ------------------------------------------------------------

  /**
   * {@code set_direct_map_default_noflush()} / {@code set_direct_map_invalid_noflush()} over a
   * range: leaves wholly inside the range change in place, partly covered 1 GiB / 2 MiB leaves
   * are split first ({@code direct_map_splits}).
   */
  boolean setDirectMapped(int cpu, long pfn, long count, boolean present) {
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
            pt.setLeaf(slot, idx, present ? (e | Pte.PRESENT) : (e & ~Pte.PRESENT));
            m.charge(cpu, m.costs().pteWrite);
            p += span;
            break;
          }
          int t = pt.split(cpu, slot, idx, shift);
          if (t < 0) {
            // -ENOMEM: undo what changed (its tables exist, so the undo needs no split)
            if (p > pfn) {
              setDirectMapped(cpu, pfn, p - pfn, !present);
            }
            return false;
          }
          m.counters().directMapSplits.inc();
          m.charge(cpu, m.costs().pteWrite * PageTables.ENTRIES);
          slot = t;
        } else {
          slot = pt.child(slot, idx);
        }
        shift -= 9;
      }
    }
    return true;
  }

  boolean isDirectMapped(long pfn) {
    return pt.walk(kernPgd, AddressSpaces.directMapVa(pfn)) >= 0;
  }

  /**
   * {@code asi_map()} / {@code asi_unmap()}: makes a range present or not in the restricted direct
   * map. A whole pageblock sets or clears one PMD; a partial one splits the PMD into a PTE table
   * first ({@code restricted_map_splits}), which the pageblock-granular RFC never needs.
   */
  boolean setRestrictedMapped(int cpu, long pfn, long count, boolean present) {
    if (!asi) {
      return true;
    }
    long end = pfn + count;
    long p = pfn;
    while (p < end) {
      long va = AddressSpaces.directMapVa(p);
      int pmd = pt.findTable(asiGlobalPgd, va, 21);
      int idx = PageTables.index(va, 21);
      long block = p & ~511L;
      int pte = pt.child(pmd, idx);
      if (pte < 0 && p == block && p + 512 <= end) {
        pt.setLeaf(pmd, idx, present ? Pte.make(block, Pte.KERNEL | Pte.PSE) : 0);
        m.charge(cpu, m.costs().pteWrite);
        p += 512;
        continue;
      }
      if (pte < 0) {
        pte = pt.split(cpu, pmd, idx, 21);
        if (pte < 0) {
          // -ENOMEM: undo what changed (its tables exist, so the undo needs no split)
          if (p > pfn) {
            setRestrictedMapped(cpu, pfn, p - pfn, !present);
          }
          return false;
        }
        m.counters().restrictedMapSplits.inc();
        m.charge(cpu, m.costs().pteWrite * PageTables.ENTRIES);
      }
      long stop = Math.min(end, block + 512);
      for (; p < stop; p++) {
        pt.setLeaf(pte, (int) (p - block), present ? Pte.make(p, Pte.KERNEL) : 0);
        m.charge(cpu, m.costs().pteWrite);
      }
    }
    return true;
  }

  boolean isRestrictedMapped(long pfn) {
    return asi && pt.walk(asiGlobalPgd, AddressSpaces.directMapVa(pfn)) >= 0;
  }
}
