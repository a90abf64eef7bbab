package io.asisim.sim.kernel;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.mm.PageMigration;
import io.asisim.sim.util.LongLongMap;

/**
 * Page migration (mm/migrate.c) for the allocator's compaction and {@code alloc_contig_range()}:
 * which pages the simulated kernel can move, and the move, with every user of a page found by the
 * reverse map ({@link Rmap}, mm/rmap.c):
 * <ul>
 *   <li>an anonymous page, mapped by one mm or shared copy-on-write by several after fork:
 *       {@code try_to_migrate()} walks the rmap and turns every mm's PTE into a migration entry
 *       (its translation joins the batch flush, {@code TTU_BATCH_FLUSH} → {@code try_to_unmap_flush()}),
 *       the page is copied once ({@code folio_copy()} → {@code copy_highpage()}, site
 *       {@link AccessSite#MIGRATE}: both pages mapped at once under ASI, through the site's mapper
 *       or an exit), and {@code remove_migration_ptes()} maps the copy in each mm with the PTE's own
 *       permissions; the page's mapcount moves with it;
 *   <li>a page-cache page, mapped or not: {@code rmap_walk_file()} finds every PTE of it the same
 *       way, {@code folio_migrate_mapping()} points the cache slot at the copy, and every process
 *       with the file open loses access to the old frame;
 *   <li>a THP folio, for {@code alloc_contig_range()} only ({@link #folioOrder}): migrated whole,
 *       each PMD mapping remapped to the copy ({@code remove_migration_pmd()}) and each PTE mapping
 *       to its page of it, the 512 pages copied one by one ({@code folio_copy()}); or split
 *       ({@link #splitFolio}: {@code try_split_folio()}) when the allocator has no folio of its
 *       order, its pages then moved as order-0 pages;
 *   <li>a PMD-size tmpfs folio ({@link ShmemHuge}), for {@code alloc_contig_range()} only: migrated
 *       whole, each of its pages as a page-cache page above (shmem's {@code migrate_folio()}), or
 *       split ({@link ShmemHuge#split}: the pages past the end of the file freed) and its pages
 *       moved as order-0 pages;
 *   <li>a hugetlb page ({@link Hugetlb}), for {@code alloc_contig_range()} only: its 512 pages
 *       copied ({@code move_to_new_folio()} → {@code folio_copy()}) and its handle moved
 *       ({@code move_hugetlb_state()}); never split. No simulated mm maps it, so no translation is
 *       flushed.
 * </ul>
 * Compaction skips THP folios, as the kernel's does ({@code skip_isolation_on_order()}: a folio of
 * pageblock order is never isolated for compaction).
 */
final class Migrate implements PageMigration {
  private final Machine machine;
  private final AddressSpaces as;
  private final TlbOps tlb;
  private final TaskTable tasks;
  private final PageCache cache;
  private final MapCount mapCount;
  private final Highmem highmem;
  private final AsiPlugins plugins;
  private final HugeMemory huge;
  private final Rmap rmap;
  private final Vmscan vmscan;
  private final ShmemHuge shmem;
  private final Hugetlb hugetlb;

  Migrate(Machine machine, TaskTable tasks, PageCache cache, MapCount mapCount, Highmem highmem, AsiPlugins plugins,
      HugeMemory huge, Vmscan vmscan, ShmemHuge shmem, Hugetlb hugetlb) {
    this.hugetlb = hugetlb;
    this.shmem = shmem;
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.tlb = machine.tlb();
    this.tasks = tasks;
    this.cache = cache;
    this.mapCount = mapCount;
    this.highmem = highmem;
    this.plugins = plugins;
    this.huge = huge;
    this.rmap = new Rmap(tasks);
    this.vmscan = vmscan;
  }

  @Override
  public boolean movable(long pfn) {
    if (cache.ownerOf(pfn) != LongLongMap.ABSENT) {
      // mapped or not: rmap_walk_file() reaches every PTE; a page of a huge folio moves with it
      return cache.pmdFolioHead(pfn) < 0;
    }
    // a page of a THP folio moves only with its folio (folioOrder); an anonymous page some mm maps
    return mapCount.folioOf(pfn) < 0 && rmap.anonMapped(pfn);
  }

  @Override
  public void migrate(int cpu, long src, long dst) {
    machine.charge(cpu, KernelCosts.MIGRATE_PER_PAGE);
    long code = cache.ownerOf(src);
    if (code != LongLongMap.ABSENT) {
      migrateFile(cpu, src, dst, PageCache.fileOf(code), PageCache.indexOf(code));
      return;
    }
    int n = rmap.walkAnon(src);
    if (n == 0 || n != mapCount.mapcount(src)) {
      throw new IllegalStateException("migration of anonymous pfn " + src + ": the rmap walk found " + n
          + " mms, its mapcount is " + mapCount.mapcount(src));
    }
    // try_to_migrate(): every mm's PTE becomes a migration entry; the old translations go with the batch flush
    for (int i = 0; i < n; i++) {
      tlb.batchAdd(cpu, rmap.mm(i).mm);
    }
    highmem.copyPage(cpu, currentMm(cpu, rmap.mm(0).mm), src, dst, AccessSite.MIGRATE, 1);
    for (int i = 0; i < n; i++) { // remove_migration_ptes(): each entry maps the copy, as the PTE did
      MmState m = rmap.mm(i);
      long va = rmap.va(i);
      long pte = m.anon.get(va);
      as.mapUser(cpu, m.mm, va, dst, (pte & MmState.WRITABLE) != 0);
      m.putAnon(va, dst | (pte & ~MmState.PFN_MASK));
      plugins.accessLost(cpu, m, src);
    }
    mapCount.migrate(src, dst);
  }

  /** {@link #migrate} of page {@code index} of {@code file}: every PTE of it moved, then the cache slot. */
  private void migrateFile(int cpu, long src, long dst, int file, long index) {
    unmapFile(cpu, src, file, index);
    highmem.copyPage(cpu, currentMm(cpu, AddressSpaces.INIT_MM), src, dst, AccessSite.MIGRATE, 1);
    remapFile(cpu, src, dst, file, index);
  }

  /** {@code try_to_migrate()} of a page-cache page: each PTE's translation joins the batch flush. */
  private void unmapFile(int cpu, long src, int file, long index) {
    int n = cache.mapcount(file, index) == 0 ? 0 : rmap.walkFile(src, file, index); // most cache pages are not mapped
    if (n != cache.mapcount(file, index)) {
      throw new IllegalStateException("migration of page-cache pfn " + src + ": the rmap walk found " + n
          + " PTEs, its mapcount is " + cache.mapcount(file, index));
    }
    for (int i = 0; i < n; i++) {
      tlb.batchAdd(cpu, rmap.mm(i).mm);
    }
  }

  /** {@code folio_migrate_mapping()} and {@code remove_migration_ptes()} of a page-cache page copied to {@code dst}. */
  private void remapFile(int cpu, long src, long dst, int file, long index) {
    int n = cache.mapcount(file, index) == 0 ? 0 : rmap.walkFile(src, file, index);
    cache.replace(src, dst); // the slot and its mapcount
    for (int i = 0; i < n; i++) { // read-only, as finish_fault() mapped it
      MmState m = rmap.mm(i);
      as.mapUser(cpu, m.mm, rmap.va(i), dst, false);
      m.filePte.put(rmap.va(i), dst);
      plugins.accessLost(cpu, m, src);
    }
    plugins.fileAccessLost(cpu, tasks, file, src);
  }

  /**
   * {@link #migrateFolio} of the PMD-size tmpfs folio at {@code src}: every page's PTEs unmapped
   * into the batch flush, the pages copied ({@code folio_copy()}), each cache slot and PTE moved to
   * the copy's page at the same offset; the folio stays one of {@code nr} pages in the cache.
   * Charged {@link KernelCosts#MIGRATE_PER_PAGE} once, as an anonymous folio is.
   */
  private void migrateFileFolio(int cpu, long src, long dst, int nr) {
    machine.charge(cpu, KernelCosts.MIGRATE_PER_PAGE);
    long code = cache.ownerOf(src);
    int file = PageCache.fileOf(code);
    long start = PageCache.indexOf(code);
    for (int i = 0; i < nr; i++) {
      unmapFile(cpu, src + i, file, start + i);
    }
    copyFolio(cpu, currentMm(cpu, AddressSpaces.INIT_MM), src, dst, nr);
    for (int i = 0; i < nr; i++) {
      remapFile(cpu, src + i, dst + i, file, start + i);
    }
  }

  /** {@code reclaim_clean_pages_from_list()}: an unmapped page-cache page is dropped ({@link Vmscan#reclaimClean}). */
  @Override
  public boolean reclaimClean(int cpu, long pfn) {
    return vmscan.reclaimClean(cpu, pfn);
  }

  @Override
  public void flush(int cpu) {
    tlb.batchFlush(cpu);
  }

  /**
   * A hugetlb page (whole only), a PMD-size tmpfs folio or a mapped THP folio headed at {@code pfn}
   * moves whole or split: order {@value HugeMemory#HPAGE_PMD_ORDER}.
   */
  @Override
  public int folioOrder(long pfn) {
    if (hugetlb.isHead(pfn)) {
      return Hugetlb.ORDER;
    }
    if (cache.ownerOf(pfn) != LongLongMap.ABSENT) {
      return cache.pmdFolioHead(pfn) == pfn ? ShmemHuge.HPAGE_PMD_ORDER : 0;
    }
    return mapCount.folioOf(pfn) == pfn && mapCount.folioMappings(pfn) > 0 ? HugeMemory.HPAGE_PMD_ORDER : 0;
  }

  /**
   * {@code migrate_folio_unmap()} + {@code migrate_folio_move()} of the large folio at {@code src}: a
   * hugetlb page ({@link #migrateHugetlb}) and a tmpfs folio ({@link #migrateFileFolio}) have their
   * own cases; of an anonymous THP folio every mm mapping any of its pages gets migration entries: by its PMD,
   * {@code set_pmd_migration_entry()}, whose {@code pmdp_invalidate()} flushes the mm's range at once
   * ({@code flush_pmd_tlb_range()}: no {@code TTU_BATCH_FLUSH} for a PMD), or by PTEs after a PMD
   * split, which join the batch flush ({@code try_to_migrate_one()}); the 512 pages are copied
   * ({@code folio_copy()} → {@code copy_highpage()} each); {@code remove_migration_pmd()} maps the
   * copy with one PMD of the same permissions, {@code remove_migration_ptes()} each PTE to the
   * copy's page at the same offset. The folio's mapcounts move with it; a queued source (one whose
   * split failed) leaves the deferred split queue and its copy is not queued
   * ({@link HugeMemory#folioMigrated}). Charged {@link KernelCosts#MIGRATE_PER_PAGE} once: one rmap walk and one
   * unmap and remap per mapping (estimate).
   */
  @Override
  public void migrateFolio(int cpu, long src, long dst, int order) {
    int nr = 1 << order;
    if (hugetlb.isHead(src)) {
      migrateHugetlb(cpu, src, dst, nr);
      return;
    }
    if (cache.ownerOf(src) != LongLongMap.ABSENT) {
      migrateFileFolio(cpu, src, dst, nr);
      return;
    }
    machine.charge(cpu, KernelCosts.MIGRATE_PER_PAGE);
    int n = rmap.walkFolio(src, nr);
    if (n == 0) {
      throw new IllegalStateException("migration of THP folio " + src + ", which no mm maps");
    }
    for (int i = 0; i < n; i++) {
      MmState m = rmap.mm(i);
      long va = m.anonVa(src);
      if (va != LongLongMap.ABSENT && HugeMemory.isHuge(m.anon.get(va))) {
        as.unmapUserHuge(cpu, m.mm, va); // pmdp_invalidate(): cleared and flushed before the copy
        tlb.flushMmRange(cpu, m.mm, va, nr);
      } else {
        tlb.batchAdd(cpu, m.mm);
      }
    }
    copyFolio(cpu, currentMm(cpu, rmap.mm(0).mm), src, dst, nr);
    for (int i = 0; i < n; i++) {
      remap(cpu, rmap.mm(i), src, dst, nr);
    }
    mapCount.migrateFolio(src, dst);
    huge.folioMigrated(src);
  }

  /** {@code remove_migration_pmd()} / {@code remove_migration_ptes()} of one mm's mappings of the folio. */
  private void remap(int cpu, MmState m, long src, long dst, int nr) {
    for (int i = 0; i < nr; i++) {
      long va = m.anonVa(src + i);
      if (va == LongLongMap.ABSENT) {
        continue; // not mapped here (a page its PMD split and zap left)
      }
      long v = m.anon.get(va);
      if (HugeMemory.isHuge(v)) { // the PMD maps every page from the head (i == 0); unmapped above
        as.mapUserHuge(cpu, m.mm, va, dst, (v & MmState.WRITABLE) != 0);
        for (int j = 0; j < nr; j++) {
          long a = va + ((long) j << 12);
          m.putAnon(a, (dst + j) | (m.anon.get(a) & ~MmState.PFN_MASK));
          plugins.accessLost(cpu, m, src + j);
        }
        return;
      }
      as.mapUser(cpu, m.mm, va, dst + i, (v & MmState.WRITABLE) != 0);
      m.putAnon(va, (dst + i) | (v & ~MmState.PFN_MASK));
      plugins.accessLost(cpu, m, src + i);
    }
  }

  /** {@link #migrateFolio} of a hugetlb page: copied, its handle moved. Charged {@link KernelCosts#MIGRATE_PER_PAGE} once. */
  private void migrateHugetlb(int cpu, long src, long dst, int nr) {
    machine.charge(cpu, KernelCosts.MIGRATE_PER_PAGE);
    copyFolio(cpu, currentMm(cpu, AddressSpaces.INIT_MM), src, dst, nr);
    hugetlb.migrated(src, dst);
  }

  @Override
  public boolean folioHugetlb(long head) {
    return hugetlb.isHead(head);
  }

  /** {@code folio_test_partially_mapped()}: queued for the deferred split with a page unmapped ({@link HugeMemory#partiallyMapped}). */
  @Override
  public boolean folioPartiallyMapped(long head) {
    return huge.partiallyMapped(head);
  }

  /**
   * {@code try_split_folio()} → {@code split_folio_to_list()} of the large folio at {@code head}: never
   * a hugetlb page; a tmpfs folio by {@link ShmemHuge#split}; an anonymous THP folio by
   * {@code split_huge_page_to_list_to_order()} ({@link HugeSplit#splitHugePage}: {@code unmap_folio()}
   * with {@code TTU_SPLIT_HUGE_PMD}, each PMD split frozen and flushed, {@code thp_split_pmd}, each
   * PTE mapping's flush batched and done; {@code __split_huge_page()}, {@code thp_split_page};
   * {@code remap_page()}), its unmapped and zero-filled pages freed. False if a PMD could not be
   * split (no page table) or the allocator cannot split the block.
   */
  @Override
  public boolean splitFolio(int cpu, long head, int order) {
    if (hugetlb.isHead(head)) {
      return false; // a hugetlb folio is never split for migration
    }
    if (cache.ownerOf(head) != LongLongMap.ABSENT) {
      return shmem.split(cpu, head); // a tmpfs folio
    }
    return huge.splitFolio(cpu, head);
  }

  /** {@code folio_copy()}: each of the {@code nr} pages copied through the migration site's mapper, in {@code copier}'s context. */
  private void copyFolio(int cpu, long copier, long src, long dst, int nr) {
    for (int i = 0; i < nr; i++) {
      highmem.copyPage(cpu, copier, src + i, dst + i, AccessSite.MIGRATE, 1);
    }
  }

  /** The mm of the task compacting on {@code cpu} (whose temporary mappings the copy uses), else {@code fallback}. */
  private long currentMm(int cpu, long fallback) {
    int pid = tasks.current(cpu);
    return pid != TaskTable.NO_TASK && tasks.mm(pid) != null ? tasks.mm(pid).mm : fallback;
  }
}
