package io.asisim.sim.kernel;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;

/**
 * Huge tmpfs folios (mm/shmem.c, {@code CONFIG_TRANSPARENT_HUGEPAGE}): which new page-cache folio of
 * a tmpfs file is a PMD-size one, and its allocation.
 *
 * <ul>
 *   <li>policy, {@code shmem_huge_global_enabled()} for a PMD-size folio: {@code shmem_enabled=deny}
 *       none, {@code force} every one; else the mount's {@code huge=}: {@code always} every one,
 *       {@code within_size} one that ends inside the file ({@code round_up(index + 1, HPAGE_PMD_NR)}
 *       pages at most {@code i_size}; this kernel's files have their size from creation, as fio's
 *       {@code fallocate()} gives its file before the writes), {@code advise} one faulted through a
 *       {@code MADV_HUGEPAGE} mapping (this kernel's file mappings cannot be madvised: none),
 *       {@code never} none;
 *   <li>{@code shmem_suitable_orders()}: the 2 MiB around the index must have no page cached yet
 *       ({@code xa_find()}), else the folio is a 4 KiB one and nothing is counted;
 *   <li>{@code shmem_alloc_and_add_folio()}: order 9 with {@code vma_thp_gfp_mask()} (the
 *       {@code transparent_hugepage/defrag} setting, for a mapping without {@code VM_HUGEPAGE}) limited
 *       by the mapping's gfp ({@code limit_gfp_mask()}); {@code thp_file_alloc} and
 *       {@code nr_shmem_hugepages}, or {@code thp_file_fallback} and the caller's 4 KiB folio. The
 *       folio may reach past the end of the file (no {@code i_size} check for {@code always}).
 * </ul>
 * The callers clear the folio: a fault all 512 pages ({@code shmem_get_folio_gfp()} with
 * {@code SGP_CACHE}: {@code clear_highpage()} of each), a write the pages it does not fill
 * ({@code shmem_write_end()} → {@code folio_zero_segments()}).
 *
 * <p>Not modelled (docs/deviations.md): the folio sizes between 4 KiB and 2 MiB (since Linux 6.14 a
 * {@code write()} without a mapping may get one: sized by the write under {@code within_size}, and
 * in 6.14-6.17 under {@code always} too; {@code within_size} is judged here by the file's size, as
 * for PMD order before 6.14), memcg charges
 * ({@code thp_file_fallback_charge}), the PMD mapping of such a folio by a fault
 * ({@code do_set_pmd()}, {@code thp_file_mapped}), swap-out, truncation and {@code collapse_file()}.
 * {@link #unusedHugeShrink} splits the folios past the end of their file under reclaim.
 */
final class ShmemHuge {
  static final int HPAGE_PMD_ORDER = HugeMemory.HPAGE_PMD_ORDER;
  static final int HPAGE_PMD_NR = HugeMemory.HPAGE_PMD_NR;

  private final Vmscan vmscan;
  private final PageAllocator allocator;
  private final PageCache cache;
  private final KernelSlab slab;
  private final Rmap rmap;
  private final Machine machine;
  private final Metrics metrics;
  private int mountHuge = Kernel.SHMEM_HUGE_NEVER;
  private int shmemEnabled = Kernel.SHMEM_HUGE_NEVER;
  private int defrag = Kernel.THP_DEFRAG_MADVISE;
  private Counter fileAlloc;
  private Counter fileFallback;
  private Counter splitPage;
  private Counter hugepages;
  /**
   * {@code sbinfo->shrinklist}: the files whose last folio is a PMD-size one reaching past their
   * end, by the index of that folio (one per file at most: files here never grow), in the order
   * they were added.
   */
  private int[] shrinkFiles = new int[4];
  private long[] shrinkStarts = new long[4];
  private int shrinklistLen;

  ShmemHuge(Machine machine, Vmscan vmscan, PageAllocator allocator, PageCache cache, KernelSlab slab,
      TaskTable tasks, Metrics metrics) {
    this.cache = cache;
    this.slab = slab;
    this.rmap = new Rmap(tasks);
    this.machine = machine;
    this.vmscan = vmscan;
    this.allocator = allocator;
    this.metrics = metrics;
  }

  /** {@code huge=} of the tmpfs mount: never, always, within_size or advise. */
  void setMountHuge(int huge) {
    if (huge < Kernel.SHMEM_HUGE_NEVER || huge > Kernel.SHMEM_HUGE_ADVISE) {
      throw new IllegalArgumentException("tmpfs huge=" + huge + " (valid: 0.." + Kernel.SHMEM_HUGE_ADVISE + ", "
          + Kernel.SHMEM_HUGE_NAMES.subList(0, Kernel.SHMEM_HUGE_ADVISE + 1) + ")");
    }
    mountHuge = huge;
    registerCounters();
  }

  /** {@code transparent_hugepage/shmem_enabled}: any of the six values. */
  void setShmemEnabled(int value) {
    if (value < Kernel.SHMEM_HUGE_NEVER || value > Kernel.SHMEM_HUGE_FORCE) {
      throw new IllegalArgumentException("transparent_hugepage/shmem_enabled " + value + " (valid: 0.."
          + Kernel.SHMEM_HUGE_FORCE + ", " + Kernel.SHMEM_HUGE_NAMES + ")");
    }
    shmemEnabled = value;
    registerCounters();
  }

  /** {@code transparent_hugepage/defrag}, which {@code vma_thp_gfp_mask()} reads for shmem too. */
  void setDefrag(int d) {
    defrag = d;
  }

  /**
   * The counters appear in the run's metrics once a huge folio could be made, so a run that never
   * allows one reports what it did before the model.
   */
  private void registerCounters() {
    if (fileAlloc == null && alignsMappings()) {
      fileAlloc = metrics.counter(KernelMetrics.THP_FILE_ALLOC);
      fileFallback = metrics.counter(KernelMetrics.THP_FILE_FALLBACK);
      hugepages = metrics.gauge(KernelMetrics.NR_SHMEM_HUGEPAGES);
      splitPage = metrics.counter(KernelMetrics.THP_SPLIT_PAGE);
    }
  }

  /**
   * Whether any tmpfs folio may be a huge one (not with {@code deny}, nor on a {@code huge=never}
   * mount without {@code force}), which is also when {@code shmem_get_unmapped_area()} places a
   * mapping of 2 MiB or more of a tmpfs file at a 2 MiB boundary.
   */
  boolean alignsMappings() {
    return shmemEnabled == Kernel.SHMEM_HUGE_FORCE
        || shmemEnabled != Kernel.SHMEM_HUGE_DENY && mountHuge != Kernel.SHMEM_HUGE_NEVER;
  }

  /**
   * {@code shmem_huge_global_enabled()} for page {@code index} of a tmpfs file of {@code size}
   * pages, without a {@code VM_HUGEPAGE} mapping: whether its new folio may be a PMD-size one.
   */
  boolean allowed(long index, long size) {
    if (shmemEnabled == Kernel.SHMEM_HUGE_DENY) {
      return false;
    }
    if (shmemEnabled == Kernel.SHMEM_HUGE_FORCE) {
      return true;
    }
    switch (mountHuge) {
      case Kernel.SHMEM_HUGE_ALWAYS:
        return true;
      case Kernel.SHMEM_HUGE_WITHIN_SIZE:
        return size >= ((index + 1 + HPAGE_PMD_NR - 1) & -HPAGE_PMD_NR);
      default: // advise: only a VM_HUGEPAGE mapping's fault; never
        return false;
    }
  }

  /**
   * {@code limit_gfp_mask()}: the huge gfp's own flags, the mapping's zones and its
   * {@code __GFP_NOWARN|__GFP_NORETRY}, and only the reclaim and I/O rights both allow.
   */
  static int limitGfpMask(int hugeGfp, int limitGfp) {
    int allow = Gfp.__GFP_IO | Gfp.__GFP_FS | Gfp.__GFP_RECLAIM;
    int deny = Gfp.__GFP_NOWARN | Gfp.__GFP_NORETRY;
    int result = hugeGfp & ~(allow | Gfp.GFP_ZONEMASK);
    result |= limitGfp & Gfp.GFP_ZONEMASK;
    result |= limitGfp & deny;
    result |= hugeGfp & limitGfp & allow;
    return result;
  }

  /**
   * The huge attempt of {@code shmem_get_folio_gfp()} for a hole at page {@code index} of tmpfs
   * file {@code file}: the head frame of a new PMD-size folio for the 2 MiB around it, already in
   * the page cache ({@link PageCache#insertPmdFolio}, its xarray slots in {@link KernelSlab}), or -1:
   * not allowed, a page of the range cached already, or no folio ({@code thp_file_fallback}); the
   * caller then allocates a 4 KiB one. A fault passes whether its mapping could map the folio by a
   * PMD ({@code suitable}: {@code thp_vma_suitable_order()}, which {@code shmem_suitable_orders()}
   * asks since Linux 6.11); a {@code write()} has no mapping and passes true.
   */
  long allocFolio(int cpu, int file, long index, boolean suitable) {
    long size = cache.size(file);
    long start = index & -HPAGE_PMD_NR;
    if (!suitable || !allowed(index, size) || !cache.rangeEmpty(file, start, HPAGE_PMD_NR)) {
      return -1;
    }
    int gfp = limitGfpMask(HugeMemory.vmaThpGfpMask(defrag, false), FileMap.GFP_PAGECACHE);
    long head = vmscan.allocPages(cpu, HPAGE_PMD_ORDER, gfp);
    if (head < 0) {
      fileFallback.inc();
      return -1;
    }
    slab.xaReserve(file, start + HPAGE_PMD_NR); // a folio past the end of a file of 64 pages or fewer
    for (int i = 0; i < HPAGE_PMD_NR; i++) {
      // the kernel's multi-index entry needs no bottom-level node; counted as 512 entries here
      slab.pageCacheAdded(cpu, file, start + i);
    }
    cache.insertPmdFolio(file, start, head);
    fileAlloc.inc();
    hugepages.inc();
    if (size < start + HPAGE_PMD_NR) { // past i_size: shmem_get_folio_gfp() puts the inode on the shrinklist
      if (shrinklistLen == shrinkFiles.length) {
        shrinkFiles = java.util.Arrays.copyOf(shrinkFiles, 2 * shrinklistLen);
        shrinkStarts = java.util.Arrays.copyOf(shrinkStarts, 2 * shrinklistLen);
      }
      shrinkFiles[shrinklistLen] = file;
      shrinkStarts[shrinklistLen++] = start;
    }
    return head;
  }

  /**
   * {@code shmem_unused_huge_shrink()}, which the tmpfs superblock's shrinker runs in every reclaim
   * round ({@code super_cache_scan()} → {@code shmem_unused_huge_scan()}): each file on the
   * shrinklist whose folio past its end is still a PMD-size one has it split ({@code split_folio()},
   * {@link #split}) and leaves the list; one that could not be split stays; one whose folio was
   * split already (by {@code alloc_contig_range()}) leaves it.
   */
  void unusedHugeShrink(int cpu) {
    int kept = 0;
    for (int i = 0; i < shrinklistLen; i++) {
      int file = shrinkFiles[i];
      long start = shrinkStarts[i];
      if (cache.inPmdFolio(file, start) && !split(cpu, cache.peek(file, start))) {
        shrinkFiles[kept] = file; // -EBUSY: left for the next scan
        shrinkStarts[kept++] = start;
      }
    }
    shrinklistLen = kept;
  }

  /**
   * {@code split_huge_page_to_list_to_order()} of the PMD-size page-cache folio at {@code head}:
   * {@code unmap_folio()} → {@code try_to_unmap()} clears every PTE mapping one of its pages (their
   * translations flushed at once, {@code try_to_unmap_flush()}; the mms keep their logical access,
   * and {@code remap_page()} leaves a file folio to be faulted back on demand); then
   * {@code __split_huge_page()}: the allocator's block becomes order-0 pages, the pages past the end
   * of the file leave the cache ({@code __filemap_remove_folio()} of each tail at or past
   * {@code end}: every process with the file open loses access to them) and are freed, the others
   * stay cached as 4 KiB folios. False if the block could not be split.
   */
  boolean split(int cpu, long head) {
    long code = cache.ownerOf(head);
    int file = PageCache.fileOf(code);
    long start = PageCache.indexOf(code);
    for (int i = 0; i < HPAGE_PMD_NR && start + i < cache.size(file); i++) {
      if (cache.mapcount(file, start + i) > 0) {
        unmapPtes(cpu, head + i, file, start + i);
      }
    }
    machine.tlb().batchFlush(cpu);
    if (!allocator.splitPage(cpu, head, HPAGE_PMD_ORDER)) {
      return false;
    }
    machine.charge(cpu, KernelCosts.THP_SPLIT_PER_PAGE * HPAGE_PMD_NR);
    cache.splitPmdFolio(file, start);
    for (long i = Math.max(start, cache.size(file)); i < start + HPAGE_PMD_NR; i++) {
      allocator.free(cpu, vmscan.dropFromCache(cpu, file, i), 0);
    }
    hugepages.add(-1);
    splitPage.inc();
    return true;
  }

  /** {@code try_to_unmap_one()} of page-cache page {@code pfn} in every mm mapping it: the PTE cleared, its translation in the batch flush. */
  private void unmapPtes(int cpu, long pfn, int file, long index) {
    int n = rmap.walkFile(pfn, file, index);
    for (int i = 0; i < n; i++) {
      MmState m = rmap.mm(i);
      machine.addressSpaces().unmapUser(cpu, m.mm, rmap.va(i));
      m.filePte.remove(rmap.va(i));
      cache.unmapPte(pfn);
      machine.tlb().batchAdd(cpu, m.mm);
    }
  }
}
