package io.asisim.x86;

import static io.asisim.x86.DirectMap.KERNEL_PGD_BOUNDARY;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.TlbOps;

/**
 * Per-mm page tables: {@code pgd_alloc()} / {@code pgd_ctor()} (the kernel half cloned from
 * {@code init_mm}), the restricted PGD of {@code asi_init()} whose user half is shared with the
 * unrestricted one ({@code __asi_init_user_pgds()}, kept in sync when a new user PGD entry appears
 * as {@code asi_clone_user_pgtbl()} does; bjackman/linux arch/x86/mm/asi.c), the mm-local region
 * (tables preallocated at creation, as {@code ephmap_setup()} needs), user and shared-kernel-area
 * PTEs, and {@code free_pgtables()} at teardown. The kernel half itself and the direct map are
 * {@link DirectMap}'s; CR3 and ASIDs are {@link X86Cr3}'s; mm ids {@link MmContexts}'.
 */
final class X86AddressSpaces implements AddressSpaces {
  private static final int MM_LOCAL_PGD = PageTables.index(MM_LOCAL_START, 39);

  private final PageTables pt;
  private final DirectMap dm;
  private final MmContexts mms;
  private final X86Cr3 cr3;
  private final CpuTlbState s;
  private final CpuClocks clocks;
  private final Costs costs;
  private final boolean asi;
  private final int kernPgd;
  private final int nrCpus;
  private final int mmLocalSlots;
  /** The checker's log of restricted page-table writes ({@link #logChanges}), or null. */
  private ChangeLog log;
  /**
   * The last mm-local PTE table found ({@link #mmLocalPte}): mm id, the 2 MiB unit of the slot
   * address, the table. The region's tables are preallocated by {@link #mmCreate} and live until
   * {@link #mmDestroy}, which forgets the entry (ids are reused), so a map and its unmap walk the
   * tables once rather than three times.
   */
  private long cachedMm = -1;
  private long cachedUnit = -1;
  private int cachedPte = -1;

  X86AddressSpaces(PageTables pt, DirectMap dm, MmContexts mms, X86Cr3 cr3, CpuTlbState s, CpuClocks clocks,
      Costs costs, boolean asi, int mmLocalSlots) {
    this.pt = pt;
    this.dm = dm;
    this.mms = mms;
    this.cr3 = cr3;
    this.s = s;
    this.clocks = clocks;
    this.costs = costs;
    this.asi = asi;
    this.kernPgd = dm.kernPgd();
    this.nrCpus = s.nrCpus;
    this.mmLocalSlots = mmLocalSlots;
  }

  /**
   * The mm-local region is one PGD slot: 512 PTE tables' worth of per-CPU slots. Checked by the
   * machine before the boot page tables are built.
   */
  static void checkMmLocalFits(int nrCpus, int mmLocalSlots) {
    if ((long) nrCpus * mmLocalSlots > 512L * 512) {
      throw new IllegalArgumentException("mm-local region too small for cpus x slots");
    }
  }

  /** Records every write of a leaf the restricted tables share (user half, mm-local, vmalloc area). */
  void logChanges(ChangeLog changeLog) {
    this.log = changeLog;
  }

  private static final long HUGE_MASK = (1L << 21) - 1;

  private void logged(long mm, long va) {
    if (log != null) {
      log.translation(mm, va, 1);
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
        pt.copyEntry(dm.asiGlobalPgd(), asiPgd, i);
      }
    }
    // mm-local region: PUD, PMD and PTE tables preallocated so that mapping a slot never allocates
    long lastVa = mmLocalSlotVa(nrCpus - 1, mmLocalSlots - 1);
    for (long va = MM_LOCAL_START; va <= lastVa; va += 512L << 12) {
      if (pt.tableFor(cpu, pgd, va, 12) < 0) {
        destroyTables(cpu, pgd, asiPgd);
        return -1;
      }
    }
    if (asiPgd >= 0) {
      pt.copyEntry(pgd, asiPgd, MM_LOCAL_PGD);
    }
    return mms.add(pgd, asiPgd);
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
    int id = mms.check(mm);
    if (id == INIT_MM) {
      throw new IllegalArgumentException("init_mm cannot be destroyed");
    }
    for (int c = 0; c < nrCpus; c++) {
      if (s.loadedMm[c] == mm) {
        throw new IllegalStateException("mm " + mm + " is still loaded on cpu " + c);
      }
    }
    cr3.forgetMm(mm);
    if (cachedMm == mm) {
      cachedMm = -1;
    }
    destroyTables(cpu, mms.pgd(mm), mms.asiPgd(mm));
    mms.remove(mm);
  }

  @Override
  public void switchMm(int cpu, long mm) {
    mms.check(mm);
    cr3.switchMm(cpu, mm);
  }

  @Override
  public long loadedMm(int cpu) {
    return s.loadedMm[cpu];
  }

  // ---- user, kernel-area and mm-local mappings ----------------------------------------------

  @Override
  public boolean mapUser(int cpu, long mm, long va, long pfn, boolean writable) {
    if (Long.compareUnsigned(va, USER_END) >= 0) {
      throw new IllegalArgumentException("not a user address: 0x" + Long.toHexString(va));
    }
    int pgd = mms.pgd(mm);
    int pte = pt.tableFor(cpu, pgd, va, 12);
    if (pte < 0) {
      return false;
    }
    int asiPgd = mms.asiPgd(mm);
    if (asiPgd >= 0) {
      pt.copyEntry(pgd, asiPgd, PageTables.index(va, 39)); // shared user half
    }
    long flags = Pte.PRESENT | Pte.USER | Pte.ACCESSED | Pte.NX | (writable ? Pte.RW | Pte.DIRTY : 0);
    pt.setLeaf(pte, PageTables.index(va, 12), Pte.make(pfn, flags));
    clocks.charge(cpu, costs.pteWrite);
    logged(mm, va);
    return true;
  }

  @Override
  public long unmapUser(int cpu, long mm, long va) {
    logged(mm, va);
    return clearPte(cpu, mms.pgd(mm), va);
  }

  @Override
  public boolean mapUserHuge(int cpu, long mm, long va, long pfn, boolean writable) {
    if ((va & HUGE_MASK) != 0 || (pfn & 511) != 0 || Long.compareUnsigned(va, USER_END) >= 0) {
      throw new IllegalArgumentException("not a 2 MiB-aligned user address and frame: 0x" + Long.toHexString(va)
          + ", pfn " + pfn);
    }
    int pgd = mms.pgd(mm);
    int pmd = pt.tableFor(cpu, pgd, va, 21);
    int idx = PageTables.index(va, 21);
    if (pmd < 0 || pt.get(pmd, idx) != 0) {
      return false; // out of memory, or a PTE table is there (pmd_none() fails: no huge page)
    }
    int asiPgd = mms.asiPgd(mm);
    if (asiPgd >= 0) {
      pt.copyEntry(pgd, asiPgd, PageTables.index(va, 39)); // shared user half
    }
    long flags = Pte.PRESENT | Pte.USER | Pte.ACCESSED | Pte.NX | Pte.PSE | (writable ? Pte.RW | Pte.DIRTY : 0);
    pt.setLeaf(pmd, idx, Pte.make(pfn, flags));
    clocks.charge(cpu, costs.pteWrite);
    loggedHuge(mm, va);
    return true;
  }

  @Override
  public boolean splitUserHuge(int cpu, long mm, long va) {
    int pmd = pt.findTable(mms.pgd(mm), va, 21);
    if (pmd < 0 || (va & HUGE_MASK) != 0) {
      return false;
    }
    int idx = PageTables.index(va, 21);
    long e = pt.get(pmd, idx);
    if (!Pte.present(e) || !Pte.large(e) || pt.split(cpu, pmd, idx, 21) < 0) {
      return false;
    }
    clocks.charge(cpu, costs.pteWrite * 512L); // __split_huge_pmd_locked(): 512 set_pte_at()
    loggedHuge(mm, va);
    return true;
  }

  @Override
  public long unmapUserHuge(int cpu, long mm, long va) {
    int pmd = pt.findTable(mms.pgd(mm), va, 21);
    if (pmd < 0) {
      return -1;
    }
    int idx = PageTables.index(va, 21);
    long e = pt.get(pmd, idx);
    if (!Pte.present(e) || !Pte.large(e)) {
      return -1;
    }
    pt.setLeaf(pmd, idx, 0);
    clocks.charge(cpu, costs.pteWrite);
    loggedHuge(mm, va);
    return Pte.pfn(e);
  }

  @Override
  public boolean hasUserPteTable(long mm, long va) {
    int pmd = pt.findTable(mms.pgd(mm), va, 21);
    return pmd >= 0 && pt.child(pmd, PageTables.index(va, 21)) >= 0;
  }

  @Override
  public int removeUserPteTable(int cpu, long mm, long va) {
    if ((va & HUGE_MASK) != 0 || Long.compareUnsigned(va, USER_END) >= 0) {
      throw new IllegalArgumentException("not a 2 MiB-aligned user address: 0x" + Long.toHexString(va));
    }
    int pmd = pt.findTable(mms.pgd(mm), va, 21);
    int idx = PageTables.index(va, 21);
    int table = pmd < 0 ? -1 : pt.child(pmd, idx);
    if (table < 0) {
      return -1;
    }
    int present = 0;
    for (int i = 0; i < PageTables.ENTRIES; i++) {
      if (Pte.present(pt.get(table, i))) {
        present++;
      }
    }
    pt.setLeaf(pmd, idx, 0); // pmdp_collapse_flush(): the PMD entry is cleared, the table detached
    pt.free(cpu, table);
    clocks.charge(cpu, costs.pteWrite * (1L + present)); // the PMD, then ptep_clear() of each present PTE
    loggedHuge(mm, va);
    return present;
  }

  private void loggedHuge(long mm, long va) {
    if (log != null) {
      log.translation(mm, va, 512);
    }
  }

  private long clearPte(int cpu, int root, long va) {
    return clearPteIn(cpu, pt.findTable(root, va, 12), va);
  }

  /** Clears the leaf of {@code va} in PTE table {@code pte} (-1: none); returns the old frame or -1. */
  private long clearPteIn(int cpu, int pte, long va) {
    if (pte < 0) {
      return -1;
    }
    int idx = PageTables.index(va, 12);
    long e = pt.get(pte, idx);
    pt.setLeaf(pte, idx, 0);
    clocks.charge(cpu, costs.pteWrite);
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
    pt.setLeaf(pte, PageTables.index(va, 12), Pte.make(pfn, Pte.KERNEL | dm.kernelGlobal()));
    clocks.charge(cpu, costs.pteWrite);
    logged(TlbOps.ALL_MM, va);
    return true;
  }

  @Override
  public long unmapKernel(int cpu, long va) {
    logged(TlbOps.ALL_MM, va);
    return clearPte(cpu, kernPgd, va);
  }

  @Override
  public int mmLocalSlots() {
    return mmLocalSlots;
  }

  @Override
  public long mmLocalSlotVa(int cpu, int slot) {
    if (slot < 0 || slot >= mmLocalSlots || cpu < 0 || cpu >= nrCpus) {
      throw new IllegalArgumentException("no mm-local slot " + slot + " on cpu " + cpu);
    }
    return MM_LOCAL_START + (((long) cpu * mmLocalSlots + slot) << 12);
  }

  @Override
  public void mapMmLocal(int cpu, long mm, long va, long pfn) {
    int pte = mmLocalPte(mm, va);
    pt.setLeaf(pte, PageTables.index(va, 12), Pte.make(pfn, Pte.KERNEL));
    clocks.charge(cpu, costs.pteWrite);
    s.stampMmLocalMap(cpu, va);
    logged(mm, va);
  }

  @Override
  public long unmapMmLocal(int cpu, long mm, long va) {
    int pte = mmLocalPte(mm, va);
    logged(mm, va);
    return clearPteIn(cpu, pte, va);
  }

  private int mmLocalPte(long mm, long va) {
    int id = mms.check(mm);
    if (id == INIT_MM || Long.compareUnsigned(va, MM_LOCAL_START) < 0
        || Long.compareUnsigned(va, mmLocalSlotVa(nrCpus - 1, mmLocalSlots - 1)) > 0) {
      throw new IllegalArgumentException("not an mm-local slot of a user mm: 0x" + Long.toHexString(va));
    }
    long unit = va >>> 21;
    if (mm == cachedMm && unit == cachedUnit) {
      return cachedPte;
    }
    int pte = pt.findTable(mms.pgd(mm), va, 12);
    cachedMm = mm;
    cachedUnit = unit;
    cachedPte = pte;
    return pte;
  }

  @Override
  public long translate(long mm, boolean restricted, long va) {
    int root = mms.root(mm, restricted);
    return root < 0 ? -1 : pt.walk(root, va);
  }

  @Override
  public int leafShift(long mm, boolean restricted, long va) {
    int root = mms.root(mm, restricted);
    if (root < 0 || pt.walk(root, va) < 0) {
      return -1;
    }
    return pt.lastShift;
  }

  @Override
  public int userPteWritable(long mm, long va) {
    int root = mms.root(mm, false);
    if (root < 0 || pt.walk(root, va) < 0) {
      return 0;
    }
    return (pt.lastEntry & Pte.RW) != 0 ? 1 : 0;
  }

  @Override
  public long pagetablePages() {
    return pt.inUse();
  }
}
