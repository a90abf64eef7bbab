package io.asisim.sim.kernel;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Cost;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.metrics.Counter;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.sim.util.LongLongMap;

/**
 * Private file mappings and their faults: {@code mmap(MAP_PRIVATE)} of a file
 * ({@code generic_file_mmap()} / {@code shmem_mmap()}: a VMA, no pages), and the faults on it
 * (mm/memory.c {@code do_fault()}):
 *
 * <ul>
 *   <li>read: {@code do_read_fault()} → {@code __do_fault()} → {@code filemap_fault()} (mm/filemap.c;
 *       {@code shmem_fault()} for tmpfs) finds the page-cache folio, reading it in on a miss
 *       (allocated with the mapping's gfp, {@code GFP_HIGHUSER_MOVABLE}; a disk file's page is
 *       filled by DMA, a tmpfs hole is cleared), and {@code finish_fault()} maps it read-only;
 *   <li>first write: {@code do_cow_fault()}: a new anonymous page, the page-cache page copied into
 *       it ({@code copy_mc_user_highpage()}, site {@link AccessSite#DO_COW_FAULT}), mapped writable;
 *   <li>write to a page mapped read-only by an earlier read fault: {@code do_wp_page()} →
 *       {@code wp_page_copy()} (the page is not anonymous, so never reused; site {@link AccessSite#COW}).
 * </ul>
 *
 * <p>Program text and shared libraries are such mappings (exec maps the text). Fault-around
 * ({@code do_fault_around()} → {@code filemap_map_pages()} maps up to 16 cached neighbours per read
 * fault) maps only the faulting page here, but a read fault is charged the measured fault with its
 * fault-around ({@link FaultCosts#FILE_READ_FAULT}): the workloads' file-fault counts are measured
 * faults, not pages. Not modelled: {@code MAP_SHARED} writes, readahead windows.
 */
final class FileFault {
  private final Machine machine;
  private final AddressSpaces as;
  private final TlbOps tlb;
  private final PageAllocator allocator;
  private final PageCache cache;
  private final Highmem highmem;
  private final Vmscan vmscan;
  private final Memory memory;
  private final Counter cowFaults;
  private final Counter fileFaults;
  private final Counter pagecacheMisses;
  private final Counter oomEvents;
  private final long faultCost;
  private final KernelSlab slab;
  private final ShmemHuge shmem;

  FileFault(Machine machine, PageAllocator allocator, PageCache cache, Highmem highmem, Vmscan vmscan,
      Memory memory, KernelCounters counters, KernelSlab slab, ShmemHuge shmem) {
    this.slab = slab;
    this.shmem = shmem;
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.tlb = machine.tlb();
    this.allocator = allocator;
    this.cache = cache;
    this.highmem = highmem;
    this.vmscan = vmscan;
    this.memory = memory;
    this.cowFaults = counters.cowFaults();
    this.fileFaults = counters.fileFaults();
    this.pagecacheMisses = counters.pagecacheMisses();
    this.oomEvents = counters.oomEvents();
    this.faultCost = machine.profile().get(Cost.PAGE_FAULT);
  }

  /**
   * {@code mmap(NULL, pages, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0)}: the first {@code pages}
   * pages of {@code file} (at most its size) at fresh address space; no page is touched.
   */
  long mmap(int cpu, MmState m, int file, long pages) {
    long nr = checkedPages(file, pages);
    if (!cache.evictable(file) && nr >= ShmemHuge.HPAGE_PMD_NR && shmem.alignsMappings()) {
      // shmem_get_unmapped_area(): the file's offset 0 at a 2 MiB boundary, so huge folios can be PMD-suitable
      m.alignNextPmd();
    }
    long va = m.take((int) nr);
    m.vmas.add(va, nr, file, 0);
    slab.vmasChanged(cpu, m); // mmap_region() -> vm_area_alloc()
    return va;
  }

  /** The same mapping at a fixed address ({@code MAP_FIXED}): how exec maps a program's text. */
  void mmapAt(int cpu, MmState m, long va, int file, long pages) {
    m.vmas.add(va, checkedPages(file, pages), file, 0);
    slab.vmasChanged(cpu, m);
  }

  private long checkedPages(int file, long pages) {
    if (!cache.exists(file)) {
      throw new IllegalArgumentException("no file " + file);
    }
    if (pages < 1 || pages > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("mapping length must be 1.." + Integer.MAX_VALUE + " pages, got " + pages);
    }
    return Math.min(pages, cache.size(file));
  }

  /**
   * A user access to {@code va} inside file mapping {@code vma} of {@code m} that has no anonymous
   * page: a plain access to a page already mapped (false), else one of the faults above (true; a
   * fault that ran out of memory counts {@code oom_events}, the kernel's {@code VM_FAULT_OOM}).
   */
  boolean fault(int cpu, MmState m, int vma, long va, boolean write) {
    int file = m.vmas.file(vma);
    long index = m.vmas.index(vma, va);
    long mapped = m.filePte.get(va);
    if (mapped != LongLongMap.ABSENT) {
      if (!write) {
        memory.userAccess(cpu, va, false);
        return false;
      }
      wpFileCopy(cpu, m, va, file, mapped);
      return true;
    }
    boolean suitable = !cache.evictable(file) && m.vmas.pmdSuitable(vma, va); // only tmpfs folios are huge
    if (write) {
      cowFault(cpu, m, va, file, index, suitable);
    } else {
      readFault(cpu, m, va, file, index, suitable);
    }
    return true;
  }

  /** {@code do_read_fault()}: the page-cache folio mapped read-only. */
  private void readFault(int cpu, MmState m, long va, int file, long index, boolean suitable) {
    machine.charge(cpu, faultCost + FaultCosts.FILE_READ_FAULT);
    fileFaults.inc();
    long pfn = filemapFault(cpu, m, file, index, suitable);
    if (pfn < 0) {
      return;
    }
    if (!as.mapUser(cpu, m.mm, va, pfn, false)) {
      oomEvents.inc(); // no page table for the PTE
      return;
    }
    m.filePte.put(va, pfn);
    cache.mapPte(file, index);
    memory.userAccess(cpu, va, false);
  }

  /**
   * {@code do_cow_fault()}: the anonymous page is allocated first ({@code vma_alloc_folio()}), then
   * {@code __do_fault()} finds (or reads in) the file page, which is copied and left unmapped.
   */
  private void cowFault(int cpu, MmState m, long va, int file, long index, boolean suitable) {
    machine.charge(cpu, faultCost + FaultCosts.COW_FAULT);
    cowFaults.inc();
    long cow = vmscan.allocUserPage(cpu, Gfp.GFP_HIGHUSER_MOVABLE);
    if (cow < 0) {
      return;
    }
    long src = filemapFault(cpu, m, file, index, suitable);
    if (src < 0) {
      allocator.free(cpu, cow, 0);
      return;
    }
    highmem.copyPage(cpu, m.mm, src, cow, AccessSite.DO_COW_FAULT, cache.size(file));
    if (!as.mapUser(cpu, m.mm, va, cow, true)) {
      allocator.free(cpu, cow, 0);
      oomEvents.inc();
      return;
    }
    m.putAnon(va, cow | MmState.WRITABLE);
    memory.userAccess(cpu, va, true);
  }

  /**
   * {@code do_wp_page()} on a page-cache page mapped read-only in a private mapping:
   * {@code wp_page_copy()} replaces it by an anonymous copy; the old translation is flushed
   * ({@code ptep_clear_flush()}). The mm keeps its logical access to the file page (the VMA still
   * maps the file), so no loss of access is reported.
   */
  private void wpFileCopy(int cpu, MmState m, long va, int file, long old) {
    machine.charge(cpu, faultCost + FaultCosts.WP_COPY);
    cowFaults.inc();
    long pfn = vmscan.allocUserPage(cpu, Gfp.GFP_HIGHUSER_MOVABLE);
    if (pfn < 0) {
      return;
    }
    highmem.copyPage(cpu, m.mm, old, pfn, AccessSite.COW, cache.size(file));
    as.mapUser(cpu, m.mm, va, pfn, true);
    m.filePte.remove(va);
    m.putAnon(va, pfn | MmState.WRITABLE);
    cache.unmapPte(old);
    tlb.flushMmRange(cpu, m.mm, va, 1);
    memory.userAccess(cpu, va, true);
  }

  /**
   * {@code filemap_fault()} / {@code shmem_fault()}: the cached folio of page {@code index}
   * (marked referenced), or a new one read in: a disk file's page is allocated and filled by DMA
   * ({@code page_cache_sync_ra()}; I/O time not modelled), a tmpfs hole allocated and cleared
   * ({@code shmem_get_folio_gfp()} with {@code SGP_CACHE}: a PMD-size folio's 512 pages, if
   * {@link ShmemHuge} makes one, which needs a mapping that could map it by a PMD, {@code suitable},
   * else the one page). -1 if memory ran out.
   */
  long filemapFault(int cpu, MmState m, int file, long index, boolean suitable) {
    long pfn = cache.lookup(file, index);
    if (pfn >= 0) {
      return pfn;
    }
    long head = cache.evictable(file) ? -1 : shmemAllocHuge(cpu, file, index, suitable);
    if (head >= 0) {
      for (int i = 0; i < ShmemHuge.HPAGE_PMD_NR; i++) {
        highmem.clearPage(cpu, m.mm, head + i, AccessSite.ZEROING);
      }
      return head + (index & (ShmemHuge.HPAGE_PMD_NR - 1));
    }
    pfn = readIn(cpu, file, index);
    if (pfn >= 0 && !cache.evictable(file)) {
      highmem.clearPage(cpu, m.mm, pfn, AccessSite.ZEROING);
    }
    return pfn;
  }

  /**
   * {@code shmem_write_begin()} → {@code shmem_get_folio()} with {@code SGP_WRITE} for a hole at
   * page {@code index} of tmpfs file {@code file}, which the caller writes whole: a new PMD-size
   * folio ({@link ShmemHuge}) has its other 511 pages cleared, as {@code shmem_write_end()}'s
   * {@code folio_zero_segments()} does for a folio not yet up to date, else a 4 KiB folio the write
   * fills. The frame of the page, -1 if memory ran out.
   */
  long shmemWriteBegin(int cpu, MmState m, int file, long index) {
    long head = shmemAllocHuge(cpu, file, index, true);
    if (head < 0) {
      return readIn(cpu, file, index);
    }
    long pfn = head + (index & (ShmemHuge.HPAGE_PMD_NR - 1));
    for (int i = 0; i < ShmemHuge.HPAGE_PMD_NR; i++) {
      if (head + i != pfn) {
        highmem.clearPage(cpu, m.mm, head + i, AccessSite.ZEROING);
      }
    }
    return pfn;
  }

  /** {@link ShmemHuge#allocFolio}: one page-cache miss for the folio. */
  private long shmemAllocHuge(int cpu, int file, long index, boolean suitable) {
    long head = shmem.allocFolio(cpu, file, index, suitable);
    if (head >= 0) {
      pagecacheMisses.inc();
    }
    return head;
  }

  /** A new page-cache page for page {@code index} of {@code file} ({@code filemap_alloc_folio()} + insert). */
  long readIn(int cpu, int file, long index) {
    long pfn = vmscan.allocUserPage(cpu, FileMap.GFP_PAGECACHE);
    if (pfn < 0) {
      return -1;
    }
    pagecacheMisses.inc();
    slab.pageCacheAdded(cpu, file, index); // xas_nomem() allocates the nodes before the store
    cache.insert(file, index, pfn);
    return pfn;
  }
}
