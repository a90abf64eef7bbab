package io.asisim.sim.kernel;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.mm.PageMigration;
import io.asisim.sim.util.LongLongMap;

/**
 * Page migration (mm/migrate.c) for the allocator's compaction: which pages the simulated kernel
 * can move, and the move. Movable here are the pages the kernel model can find every user of in
 * one step:
 * <ul>
 *   <li>an anonymous page mapped by one mm and not part of a THP folio: {@code try_to_migrate()}
 *       replaces its PTE, the copy is made ({@code folio_copy()} → {@code copy_highpage()}, site
 *       {@link AccessSite#MIGRATE}: both pages mapped at once under ASI, through the site's mapper
 *       or an exit), and {@code remove_migration_ptes()} maps the new page; the old translation is
 *       flushed once per batch ({@code TTU_BATCH_FLUSH} → {@code try_to_unmap_flush()});
 *   <li>an unmapped page-cache page: {@code folio_migrate_mapping()} points the cache slot at the
 *       copy, and every process with the file open loses access to the old frame.
 * </ul>
 * Not moved (the kernel would: docs/deviations.md, "compaction"): anonymous pages shared
 * copy-on-write between mms, page-cache pages some process maps, and THP folios (the kernel does not
 * move a folio of the requested order or above for compaction either).
 */
final class Migrate implements PageMigration {
  private final Machine machine;
  private final AddressSpaces as;
  private final TaskTable tasks;
  private final PageCache cache;
  private final MapCount mapCount;
  private final Highmem highmem;
  private final AsiPlugins plugins;

  Migrate(Machine machine, TaskTable tasks, PageCache cache, MapCount mapCount, Highmem highmem, AsiPlugins plugins) {
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.tasks = tasks;
    this.cache = cache;
    this.mapCount = mapCount;
    this.highmem = highmem;
    this.plugins = plugins;
  }

  @Override
  public boolean movable(long pfn) {
    long code = cache.ownerOf(pfn);
    if (code != LongLongMap.ABSENT) {
      return cache.mapcount(PageCache.fileOf(code), PageCache.indexOf(code)) == 0;
    }
    if (mapCount.isShared(pfn) || mapCount.folioOf(pfn) >= 0) {
      return false;
    }
    MmState m = anonOwner(pfn);
    return m != null && (m.anon.get(m.anonVa(pfn)) & MmState.HUGE) == 0;
  }

  @Override
  public void migrate(int cpu, long src, long dst) {
    machine.charge(cpu, KernelCosts.MIGRATE_PER_PAGE);
    long code = cache.ownerOf(src);
    if (code != LongLongMap.ABSENT) {
      highmem.copyPage(cpu, currentMm(cpu, AddressSpaces.INIT_MM), src, dst, AccessSite.MIGRATE, 1);
      cache.replace(src, dst);
      plugins.fileAccessLost(cpu, tasks, PageCache.fileOf(code), src);
      return;
    }
    MmState m = anonOwner(src);
    if (m == null) {
      throw new IllegalStateException("migration of pfn " + src + ", which no mm maps and no file caches");
    }
    long va = m.anonVa(src);
    long pte = m.anon.get(va);
    boolean writable = (pte & MmState.WRITABLE) != 0;
    // try_to_migrate_one(): the PTE becomes a migration entry; the old translation is flushed with the batch
    machine.tlb().batchAdd(cpu, m.mm);
    highmem.copyPage(cpu, currentMm(cpu, m.mm), src, dst, AccessSite.MIGRATE, 1);
    as.mapUser(cpu, m.mm, va, dst, writable); // remove_migration_ptes()
    m.putAnon(va, dst | (pte & ~MmState.PFN_MASK));
    plugins.accessLost(cpu, m, src);
  }

  @Override
  public void flush(int cpu) {
    machine.tlb().batchFlush(cpu);
  }

  /** The mm whose anonymous memory maps {@code pfn} (one at most: shared pages are not movable), or null. */
  private MmState anonOwner(long pfn) {
    for (int pid = 0; pid < tasks.pidLimit(); pid++) {
      MmState m = tasks.mm(pid);
      if (m != null && m.mapsAnon(pfn)) {
        return m;
      }
    }
    return null;
  }

  /** The mm of the task compacting on {@code cpu} (whose temporary mappings the copy uses), else {@code fallback}. */
  private long currentMm(int cpu, long fallback) {
    int pid = tasks.current(cpu);
    return pid != TaskTable.NO_TASK && tasks.mm(pid) != null ? tasks.mm(pid).mm : fallback;
  }
}
