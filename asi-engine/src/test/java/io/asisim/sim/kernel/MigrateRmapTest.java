package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.check.Checker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Page migration with the rmap walk ({@link Migrate}, {@link Rmap}), through {@code cma_alloc()} of
 * the whole CMA area ({@code alloc_contig_range()}), hand-checked on a 256 MiB, 2-CPU machine whose
 * top 160 MiB are the CMA area: with more than half of the free memory in CMA, movable allocations
 * take it first, so every user page below lies in the range, and the 96 MiB below hold the targets.
 * A baseline {@code cma_alloc()}/{@code cma_release()} empties the area first, so the counts are
 * the scenario's own. After each move the checker (translations, TLBs against freed frames,
 * restricted maps, sensitivity) finds nothing.
 */
class MigrateRmapTest {
  private static final long PAGE = 4096;
  private static final int CMA_BLOCKS = 80; // 160 MiB
  private static final long CMA_BASE = (256L << 20) / PAGE - CMA_BLOCKS * 512L;
  private SimKernel k;
  private Metrics m;
  private AddressSpaces as;
  private Checker checker;
  private SimContext ctx;

  private void boot(boolean asi) {
    KernelRig r = KernelRig.boot(256L << 20, 2, asi, "cma=160M");
    k = r.k();
    ctx = r.ctx();
    m = ctx.metrics();
    as = ctx.machine().addressSpaces();
    checker = r.checker();
  }

  private long mm(int pid) {
    return k.k.tasks.mm(pid).mm;
  }

  /** Boots with THP {@code always}, spawns a process and empties the area ({@link #baseline}); the process's pid. */
  private int bootThp(boolean asi) {
    boot(asi);
    k.setTransparentHugepage(Kernel.THP_ALWAYS);
    int pid = k.spawn();
    baseline();
    return pid;
  }

  /** Writes every page of the 2 MiB at {@code va} (the first write faults the THP in). */
  private void writeAll(int pid, long va) {
    for (int i = 0; i < 512; i++) {
      k.touch(pid, va + i * PAGE, true);
    }
  }

  /** {@code cma_alloc()} of the whole area on CPU 0; asserts it succeeded and leaves it allocated. */
  private void takeArea() {
    assertThat(k.cmaAlloc(0, CMA_BLOCKS)).isEqualTo(CMA_BASE);
  }

  /** Empties the area (every page in it migrated out) and gives it back: the counts start here. */
  private void baseline() {
    takeArea();
    k.cmaRelease(0, CMA_BASE, CMA_BLOCKS);
  }

  /**
   * A page written before fork is shared copy-on-write by parent and child, each on its CPU with
   * the translation in its TLB. The migration copies it once, maps the copy in both mms (one
   * rmap walk) and flushes both CPUs before the old frame is freed; the mapcount moves with it, so
   * the child's write still copies instead of reusing the page the parent maps.
   */
  @Test
  void aForkSharedAnonPageMovesOnceAndEveryMmMapsTheCopy() {
    for (boolean asi : new boolean[] {false, true}) { // TLB coherence is checked under ASI
      boot(asi);
      int parent = k.spawn();
      baseline();
      // the first faults take pcp pages the baseline's targets left; a later one lands in the area
      long heap = k.mmapAnon(parent, 256);
      long va = -1;
      int inArea = 0;
      for (int i = 0; i < 256; i++) {
        k.touch(parent, heap + i * PAGE, true);
        if (as.translate(mm(parent), false, heap + i * PAGE) >= CMA_BASE) {
          inArea++;
          va = va < 0 ? heap + i * PAGE : va;
        }
      }
      assertThat(va).as("a page in the CMA area").isPositive();
      long src = as.translate(mm(parent), false, va);
      int child = k.fork(parent);
      if (k.cpuOf(child) == k.cpuOf(parent)) {
        k.k.tasks.setCpu(child, 1 - k.cpuOf(parent)); // (wake_up_new_task() balances by load: force the other CPU)
      }
      k.touch(child, va, false);
      k.touch(parent, va, false); // both CPUs cache the translation
      assertThat(as.translate(mm(child), false, va)).isEqualTo(src);
      long moved = m.get("pgmigrate_success");

      takeArea();

      long dst = as.translate(mm(parent), false, va);
      assertThat(dst).as("moved below the area").isLessThan(CMA_BASE);
      assertThat(as.translate(mm(child), false, va)).as("the child maps the same copy").isEqualTo(dst);
      assertThat(m.get("pgmigrate_success") - moved).as("each page in the area once").isEqualTo(inArea);
      assertThat(checker.checkFunctional()).as("no CPU keeps the old translation of the freed frame").isNull();
      long cow = m.get("cow_faults");
      k.touch(child, va, true);
      assertThat(m.get("cow_faults") - cow).as("still shared: the write copies").isEqualTo(1);
      assertThat(as.translate(mm(parent), false, va)).as("the parent keeps the copy").isEqualTo(dst);
      assertThat(as.translate(mm(child), false, va)).isNotEqualTo(dst);
      assertThat(checker.checkFunctional()).isNull();
    }
  }

  /**
   * One page-cache page mapped by three PTEs in three mms (a process, its fork child at the same
   * address, another process elsewhere): the cache slot and every PTE point at the copy, and the
   * mapcount stays 3, so the three unmaps that follow each drop one.
   */
  @Test
  void aPageCachePageThreeMmsMapMovesWithEveryPte() {
    for (boolean asi : new boolean[] {false, true}) { // TLB coherence is checked under ASI
      boot(asi);
      int file = k.createFile(4, true);
      int a = k.spawn();
      int b = k.spawn();
      baseline();
      long va = k.mmapFile(a, file, 4);
      k.touch(a, va, false); // read fault: the page is read in (in the area) and mapped
      int child = k.fork(a);
      k.touch(child, va, false);
      long vb = k.mmapFile(b, file, 4);
      k.touch(b, vb, false);
      long src = as.translate(mm(a), false, va);
      assertThat(src).isGreaterThanOrEqualTo(CMA_BASE);
      assertThat(as.translate(mm(child), false, va)).isEqualTo(src);
      assertThat(as.translate(mm(b), false, vb)).isEqualTo(src);
      long moved = m.get("pgmigrate_success");
      long misses = m.get("pagecache_misses");

      takeArea();

      long dst = as.translate(mm(a), false, va);
      assertThat(dst).isLessThan(CMA_BASE);
      assertThat(as.translate(mm(child), false, va)).isEqualTo(dst);
      assertThat(as.translate(mm(b), false, vb)).isEqualTo(dst);
      assertThat(m.get("pgmigrate_success") - moved).isEqualTo(1);
      assertThat(checker.checkFunctional()).isNull();
      k.touch(b, vb, false);
      assertThat(m.get("pagecache_misses")).as("the cache slot holds the copy").isEqualTo(misses);
      k.munmap(a, va, 4);
      k.munmap(child, va, 4);
      k.munmap(b, vb, 4); // a fourth would throw: the mapcount was carried, 3
      assertThat(checker.checkFunctional()).isNull();
    }
  }

  /**
   * A page-cache page read into the area and then unmapped: {@code reclaim_clean_pages_from_list()}
   * drops it before {@code migrate_pages()} ({@code pagecache_evictions} 1, {@code pgmigrate_success}
   * 0), so the next fault reads it in again ({@code pagecache_misses} 1), below the area.
   */
  @Test
  void anUnmappedPageCachePageIsDroppedNotMigrated() {
    boot(false);
    int file = k.createFile(4, true);
    int a = k.spawn();
    baseline();
    long va = k.mmapFile(a, file, 4);
    k.touch(a, va, false);
    assertThat(as.translate(mm(a), false, va)).isGreaterThanOrEqualTo(CMA_BASE);
    k.munmap(a, va, 4);
    long moved = m.get("pgmigrate_success");
    long evicted = m.get("pagecache_evictions");
    long misses = m.get("pagecache_misses");

    takeArea();

    assertThat(m.get("pgmigrate_success") - moved).isZero();
    assertThat(m.get("pagecache_evictions") - evicted).isEqualTo(1);
    assertThat(checker.checkFunctional()).isNull();
    long vb = k.mmapFile(a, file, 4);
    k.touch(a, vb, false);
    assertThat(m.get("pagecache_misses") - misses).as("read in again").isEqualTo(1);
    assertThat(as.translate(mm(a), false, vb)).isLessThan(CMA_BASE);
    assertThat(checker.checkFunctional()).isNull();
  }

  /**
   * A PMD-mapped THP shared by parent and child after fork moves whole to an order-9 target below
   * the area: both PMDs map the copy (2 MiB leaves), 512 pages copied, {@code pgmigrate_success}
   * 512, {@code thp_migration_success} 1, nothing split.
   */
  @Test
  void aThpInTheRangeMovesWholeToAnOrder9Target() {
    for (boolean asi : new boolean[] {false, true}) { // TLB coherence is checked under ASI
      int parent = bootThp(asi);
      long va = k.mmapAnon(parent, 512);
      k.touch(parent, va, true);
      long src = as.translate(mm(parent), false, va);
      assertThat(src).isGreaterThanOrEqualTo(CMA_BASE);
      assertThat(as.leafShift(mm(parent), false, va)).isEqualTo(21);
      int child = k.fork(parent);
      k.touch(child, va + 7 * PAGE, false);
      long moved = m.get("pgmigrate_success");

      takeArea();

      long dst = as.translate(mm(parent), false, va);
      assertThat(dst).isLessThan(CMA_BASE);
      assertThat(dst % 512).isZero();
      for (int pid : new int[] {parent, child}) {
        assertThat(as.leafShift(mm(pid), false, va)).as("one PMD still").isEqualTo(21);
        assertThat(as.translate(mm(pid), false, va + 300 * PAGE)).isEqualTo(dst + 300);
      }
      assertThat(m.get("thp_migration_success")).isEqualTo(1);
      assertThat(m.get("thp_migration_fail")).isZero();
      assertThat(m.get("thp_migration_split")).isZero();
      assertThat(m.get("pgmigrate_success") - moved).as("base pages").isEqualTo(512);
      assertThat(checker.checkFunctional()).isNull();
      long cow = m.get("cow_faults");
      k.touch(child, va, true);
      assertThat(m.get("cow_faults") - cow).as("the folio's pages are still shared").isEqualTo(1);
      k.exit(child);
      k.exit(parent);
      assertThat(checker.checkFunctional()).isNull();
    }
  }

  /**
   * The same THP, whole and PMD-mapped (not queued), with no free order-9 block below the area:
   * {@code -ENOMEM} for the folio, so {@code thp_migration_fail} 1, split by
   * {@code try_split_folio()} ({@code thp_migration_split} 1, {@code thp_split_page} 1, its PMD
   * split first) and its 512 pages moved one by one.
   */
  @Test
  void aThpWithNoOrder9TargetIsSplitAndItsPagesMove() {
    int pid = bootThp(false);
    long va = k.mmapAnon(pid, 512);
    writeAll(pid, va); // every page written: none zero-filled, none remapped to the zero page by the split
    long src = as.translate(mm(pid), false, va);
    assertThat(src).isGreaterThanOrEqualTo(CMA_BASE);
    assertThat(m.get("thp_deferred_split_page")).as("not queued: the split is -ENOMEM's").isZero();
    List<Long> held = holdOrder9Below();
    long moved = m.get("pgmigrate_success");

    takeArea();

    assertThat(m.get("thp_migration_success")).isZero();
    assertThat(m.get("thp_migration_fail")).isEqualTo(1);
    assertThat(m.get("thp_migration_split")).isEqualTo(1);
    assertThat(m.get("thp_split_page")).isEqualTo(1);
    assertThat(m.get("pgmigrate_success") - moved).as("the 512 pages").isEqualTo(512);
    for (int i = 0; i < 512; i++) {
      long pa = as.translate(mm(pid), false, va + i * PAGE);
      assertThat(pa).as("page %d", i).isGreaterThanOrEqualTo(0).isLessThan(CMA_BASE);
      assertThat(as.leafShift(mm(pid), false, va + i * PAGE)).isEqualTo(12);
    }
    assertThat(checker.checkFunctional()).isNull();
    held.forEach(p -> k.freePages(0, p, 9));
    kept.forEach(p -> k.freePages(0, p, 0));
  }

  /**
   * The THP of {@link #aThpWithNoOrder9TargetIsSplitAndItsPagesMove}, 12 of its pages unmapped first
   * (its PMD split, the folio queued for the deferred split), with order-9 targets free: {@code migrate_pages_batch()} splits it before it asks for a
   * target (Linux 6.10/6.12, {@code folio_test_partially_mapped()}), so the counts are the same:
   * {@code thp_migration_fail} 1, {@code thp_migration_split} 1, {@code thp_migration_success} 0,
   * the 500 mapped pages moved one by one ({@code pgmigrate_success} 512 with the 12 the split freed).
   */
  @Test
  void aQueuedPartiallyMappedThpIsSplitFirst() {
    int pid = bootThp(false);
    long va = k.mmapAnon(pid, 512);
    writeAll(pid, va); // every page written: none zero-filled, none remapped to the zero page by the split
    assertThat(as.translate(mm(pid), false, va)).isGreaterThanOrEqualTo(CMA_BASE);
    k.madviseDontneed(pid, va + 100 * PAGE, 12);
    long moved = m.get("pgmigrate_success");

    takeArea();

    assertThat(m.get("thp_migration_success")).isZero();
    assertThat(m.get("thp_migration_fail")).isEqualTo(1);
    assertThat(m.get("thp_migration_split")).isEqualTo(1);
    assertThat(m.get("thp_split_page")).isEqualTo(1);
    // the 500 mapped pages, and the 12 the split freed, which migrate_pages_batch() finds "freed from
    // under us" on split_folios and counts migrated
    assertThat(m.get("pgmigrate_success") - moved).as("the 500 mapped pages and the 12 freed").isEqualTo(512);
    for (int i = 0; i < 512; i++) {
      long pa = as.translate(mm(pid), false, va + i * PAGE);
      assertThat(pa).as("page %d", i).isLessThan(i >= 100 && i < 112 ? 0 : CMA_BASE);
      assertThat(as.leafShift(mm(pid), false, va + i * PAGE)).isNotEqualTo(21);
    }
    assertThat(checker.checkFunctional()).isNull();
  }

  /**
   * Under ASI ({@code pageblock-migratetype}) the THP folio moves to an order-9 block of its own
   * pageblock's sensitivity: a user page's block is sensitive, and so is the target's.
   */
  @Test
  void underAsiTheFolioMovesToABlockOfItsSensitivity() {
    int pid = bootThp(true);
    long va = k.mmapAnon(pid, 512);
    k.touch(pid, va, true);
    long src = as.translate(mm(pid), false, va);
    assertThat(src).isGreaterThanOrEqualTo(CMA_BASE);
    Sensitivity sens = ctx.allocator().sensitivity(src);

    takeArea();

    long dst = as.translate(mm(pid), false, va);
    assertThat(dst).isLessThan(CMA_BASE);
    assertThat(m.get("thp_migration_success")).isEqualTo(1);
    assertThat(ctx.allocator().sensitivity(dst)).isEqualTo(sens);
    assertThat(checker.checkFunctional()).isNull();
  }

  /** The first page of each block {@link #holdOrder9Below} split: held until the test ends. */
  private final List<Long> kept = new ArrayList<>();

  /**
   * Takes every free order-9 block below the area (unmovable requests never use CMA), then splits
   * 16 of them and gives back all but their first page: 8176 order-0 targets (above the
   * watermarks), no order-9 one. Returns the order-9 blocks held; {@link #kept}
   * lists the split blocks' first pages.
   */
  private List<Long> holdOrder9Below() {
    List<Long> held = new ArrayList<>();
    for (long p; (p = k.allocPages(0, 9, (Gfp.GFP_KERNEL & ~Gfp.__GFP_DIRECT_RECLAIM) | Gfp.__GFP_MEMALLOC)) >= 0; ) {
      assertThat(p).isLessThan(CMA_BASE);
      held.add(p);
    }
    for (int b = 0; b < 16; b++) {
      long p = held.remove(held.size() - 1);
      ctx.allocator().splitPage(0, p, 9);
      for (int i = 1; i < 512; i++) {
        k.freePages(0, p + i, 0);
      }
      kept.add(p);
    }
    return held;
  }
}
