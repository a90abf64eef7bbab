package io.asisim.sim.kernel;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.sim.util.LongLongMap;

/**
 * Mappings of an mm (mm/mmap.c): {@code mmap()} hands out address space (pages are faulted in by
 * {@link Memory}; file mappings are made by {@link FileFault}), {@code munmap()} and
 * {@code exit_mmap()} zap the PTEs into an {@link MmuGather}, which frees the frames only after the
 * flush (page-cache frames are only unmapped, never freed here), and the mm's lifetime:
 * {@code mmput()} tears it down when its last user ({@code mm_users}) drops it, and
 * {@code mm_release()} ends a {@code vfork()} borrow ({@code complete_vfork_done()}).
 */
final class Mmap {
  /** The whole user address space, as a page count for {@code flush_tlb_mm()}-like range flushes. */
  static final long ALL_PAGES = Long.MAX_VALUE >>> 12;

  private final Machine machine;
  private final KernelSlab slab;
  private final AddressSpaces as;
  private final MapCount mapCount;
  private final MmuGather gather;
  private final AsiPlugins plugins;
  private final Sched sched;
  private final HugeMemory huge;
  private final Khugepaged khugepaged;

  Mmap(Machine machine, MapCount mapCount, MmuGather gather, AsiPlugins plugins, Sched sched, KernelSlab slab,
      HugeMemory huge, Khugepaged khugepaged) {
    this.huge = huge;
    this.khugepaged = khugepaged;
    this.slab = slab;
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.mapCount = mapCount;
    this.gather = gather;
    this.plugins = plugins;
    this.sched = sched;
  }

  /**
   * {@code mmap(MAP_ANONYMOUS)} of {@code pages} pages: {@code do_mmap()} ({@link MmCosts#MMAP});
   * address space only, faulted in on touch.
   */
  long mmapAnon(int cpu, MmState m, int pages) {
    machine.charge(cpu, MmCosts.MMAP);
    if (!huge.enabled()) {
      return m.take(pages);
    }
    // __get_unmapped_area() -> thp_get_unmapped_area_vmflags(): PMD-multiple lengths PMD-aligned
    if ((pages & (HugeMemory.HPAGE_PMD_NR - 1)) == 0) {
      m.alignNextPmd();
    }
    long va = m.take(pages);
    m.anonVmas.add(va, va + ((long) pages << 12));
    khugepaged.enterVmas(cpu, m); // __mmap_region() -> khugepaged_enter_vma()
    return va;
  }

  /** {@code madvise(MADV_HUGEPAGE)}: {@code VM_HUGEPAGE} on the anonymous mappings in the range ({@link MmCosts#MPROTECT}: a VMA walk). */
  void madviseHugepage(int cpu, MmState m, long va, int pages) {
    machine.charge(cpu, MmCosts.MPROTECT);
    m.anonVmas.advise(va, va + ((long) pages << 12));
    khugepaged.enterVmas(cpu, m); // hugepage_madvise() -> khugepaged_enter_vma()
  }

  /**
   * {@code munmap()}: {@code __do_munmap()} ({@link MmCosts#MUNMAP_BASE}), {@code zap_page_range()}
   * + {@code tlb_finish_mmu()} (flush the range, then free).
   */
  void munmap(int cpu, MmState m, long va, int pages) {
    machine.charge(cpu, MmCosts.MUNMAP_BASE);
    zapRange(cpu, m, va, pages);
  }

  /**
   * {@code madvise(MADV_DONTNEED)}: {@code madvise_dontneed_single_vma()} →
   * {@code zap_page_range_single()}: the pages go, the mappings stay, and a later touch faults in a
   * new zeroed page (what a user-space allocator does to return freed heap memory).
   */
  void madviseDontneed(int cpu, MmState m, long va, int pages) {
    machine.charge(cpu, MmCosts.MPROTECT); // the VMA walk, like mprotect's
    zapPages(cpu, m, va, pages, m.vmas.size() > 0);
  }

  /** {@code unmap_region()}: zaps {@code pages} pages from {@code va} and finishes the gather. */
  private void zapRange(int cpu, MmState m, long va, int pages) {
    boolean files = m.vmas.size() > 0;
    if (files) {
      m.vmas.unmap(va, pages);
      slab.vmasChanged(cpu, m);
    }
    if (m.anonVmas.size() > 0) {
      m.anonVmas.remove(va, va + ((long) pages << 12));
    }
    zapPages(cpu, m, va, pages, files);
  }

  /** {@code unmap_page_range()} + {@code tlb_finish_mmu()}: the pages of the range, their PTEs and translations. */
  private void zapPages(int cpu, MmState m, long va, int pages, boolean files) {
    boolean zapped = false;
    for (int i = 0; i < pages; i++) {
      long a = va + ((long) i << 12);
      if (mapCount.hasFolios() && HugeMemory.isHuge(m.anon.get(a))) {
        long haddr = a & -HugeMemory.HPAGE_PMD_SIZE;
        if (haddr == a && pages - i >= HugeMemory.HPAGE_PMD_NR) {
          machine.charge(cpu, MmCosts.ZAP_PER_PAGE);
          huge.zap(cpu, m, haddr, gather, plugins); // the whole 2 MiB: zap_huge_pmd()
          zapped = true;
          i += HugeMemory.HPAGE_PMD_NR - 1;
          continue;
        }
        huge.split(cpu, m, haddr); // part of it: __split_huge_pmd(), then the PTEs below
      }
      long v = m.removeAnon(a);
      if (v != LongLongMap.ABSENT) {
        machine.charge(cpu, MmCosts.ZAP_PER_PAGE);
        as.unmapUser(cpu, m.mm, a);
        zapPage(cpu, m, v & MmState.PFN_MASK);
        zapped = true;
      }
      long f = files ? m.filePte.remove(a) : LongLongMap.ABSENT;
      if (f != LongLongMap.ABSENT) {
        as.unmapUser(cpu, m.mm, a);
        zapFilePage(cpu, m, f);
        zapped = true;
      }
    }
    if (zapped) {
      // tlb_finish_mmu() flushes only what zap_pte_range() cleared (tlb->end stays 0 otherwise):
      // a range with no page faulted in has no translation to flush
      gather.finish(cpu, m.mm, va, pages);
    }
  }

  /**
   * {@code mprotect()} of an untouched range to read-only: {@code do_mprotect_pkey()} →
   * {@code mprotect_fixup()} ({@link MmCosts#MPROTECT}). The anonymous mappings keep no protection
   * bits here, so only the VMA work is charged; a range with a page faulted in would need its PTEs
   * write-protected and flushed, which is not modelled, and is refused.
   */
  void mprotect(int cpu, MmState m, long va, int pages) {
    for (int i = 0; i < pages; i++) {
      long a = va + ((long) i << 12);
      if (m.anon.containsKey(a) || m.filePte.containsKey(a)) {
        throw new IllegalArgumentException("mprotect of a faulted-in page at 0x" + Long.toHexString(a)
            + " is not modelled");
      }
    }
    machine.charge(cpu, MmCosts.MPROTECT);
  }

  /**
   * {@code brk()}: the break moves by {@code delta} pages inside the heap window reserved at the
   * first call; growing is {@code do_brk_flags()}, shrinking {@code do_vmi_align_munmap()} of the
   * pages above the new break (zapped and flushed like a {@code munmap()}). Both are charged
   * {@link MmCosts#BRK}. Returns the new break.
   */
  long brk(int cpu, MmState m, int delta) {
    machine.charge(cpu, MmCosts.BRK);
    if (m.brkStart == 0) {
      m.brkStart = m.take(MmCosts.BRK_WINDOW_PAGES);
    }
    int pages = Math.max(0, Math.min(MmCosts.BRK_WINDOW_PAGES, m.brkPages + delta));
    if (pages < m.brkPages) {
      zapRange(cpu, m, m.brkStart + ((long) pages << 12), m.brkPages - pages);
    }
    m.brkPages = pages;
    return m.brkStart + ((long) pages << 12);
  }

  /** {@code exit_mm()} of task {@code pid}: {@code exit_mm_release()} → {@link #mmRelease}, then {@link #mmput}. */
  void exitMm(int cpu, int pid, MmState m) {
    int parent = mmRelease(m, pid);
    if (parent >= 0) {
      sched.wake(cpu, parent, 0); // complete_vfork_done(): the clone returns in the parent
    }
    mmput(cpu, m);
  }

  /**
   * {@code mm_release()} → {@code complete_vfork_done()}: if {@code pid} borrowed {@code m} through
   * {@code vfork()}, its parent stops waiting. Returns that parent, or -1.
   */
  int mmRelease(MmState m, int pid) {
    return pid < 0 ? -1 : m.vforkDone(pid);
  }

  /** {@code mmput()}: one user fewer; the last one tears the mm down ({@link #teardown}). */
  void mmput(int cpu, MmState m) {
    if (m.users <= 0) {
      throw new IllegalStateException("mm " + m.mm + " has no users left");
    }
    if (--m.users == 0) {
      teardown(cpu, m);
    }
  }

  /**
   * {@code __mmput()} → {@code exit_mmap()} and {@code __mmdrop()}: unmaps and drops every page of
   * a dying mm, flushes it wherever it may still be cached, frees the anonymous frames (page-cache
   * frames stay cached), moves CPUs still holding the mm off it, and destroys it.
   */
  private void teardown(int cpu, MmState m) {
    khugepaged.exit(m); // __mmput() -> khugepaged_exit(), before exit_mmap()
    LongLongMap a = m.anon;
    machine.charge(cpu, MmCosts.EXIT_PER_PAGE * a.size()); // exit_mmap()'s per-page work
    for (int i = 0; i < a.capacity(); i++) {
      if (!a.used(i)) {
        continue;
      }
      long v = a.valueAt(i);
      long pfn = v & MmState.PFN_MASK;
      if (HugeMemory.isHuge(v)) {
        if ((a.keyAt(i) & (HugeMemory.HPAGE_PMD_SIZE - 1)) == 0) { // once per huge page: zap_huge_pmd()
          as.unmapUserHuge(cpu, m.mm, a.keyAt(i));
        }
      } else {
        as.unmapUser(cpu, m.mm, a.keyAt(i));
      }
      zapPage(cpu, m, pfn);
    }
    m.clearAnon();
    LongLongMap f = m.filePte;
    for (int i = 0; i < f.capacity(); i++) {
      if (f.used(i)) {
        as.unmapUser(cpu, m.mm, f.keyAt(i));
        zapFilePage(cpu, m, f.valueAt(i));
      }
    }
    f.clear();
    m.vmas.clear();
    gather.finish(cpu, m.mm, 0, ALL_PAGES);
    sched.leaveLazyMm(m.mm);
    plugins.mmExit(cpu, m.mm);
    as.mmDestroy(cpu, m.mm);
    slab.mmDestroyed(cpu, m); // remove_vma() of each VMA, then mmdrop()
  }

  /**
   * {@code zap_pte_range()} on one present PTE: the mm loses access to the frame; the last mapper
   * queues it in the gather ({@code tlb_remove_page()}).
   */
  private void zapPage(int cpu, MmState mm, long pfn) {
    plugins.accessLost(cpu, mm, pfn);
    huge.dropAnonPage(pfn, gather);
  }

  /**
   * {@code zap_pte_range()} on a PTE to a page-cache frame: the mapcount drops, the frame stays in
   * the page cache. The loss of access is reported even if the process still has the file open
   * ({@code read()} would re-establish an alias): a spurious report only costs a flush.
   */
  private void zapFilePage(int cpu, MmState mm, long pfn) {
    plugins.accessLost(cpu, mm, pfn);
    mapCount.fileUnmap(pfn);
  }
}
