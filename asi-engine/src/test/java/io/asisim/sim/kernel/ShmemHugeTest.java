package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.mm.Gfp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Huge tmpfs folios ({@link ShmemHuge}) through the kernel's write, fault and read paths,
 * hand-checked on a 256 MiB, 2-CPU machine ({@link ShmemHugeMigrationTest} has their migration).
 * Without ASI unless said, so that {@code pages_zeroed} counts only the clearing of the folios.
 */
class ShmemHugeTest extends ShmemHugeCases {
  /**
   * {@code huge=always}: the first write into each 2 MiB of a 4 MiB file allocates a PMD-size folio
   * and clears its 511 other pages ({@code shmem_write_end()}); later writes into it allocate and
   * clear nothing.
   */
  @Test
  void alwaysGivesEach2MibOneFolioAndItsFirstWriteClearsTheRest() {
    boot();
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_ALWAYS);
    int file = k.createFile(2 * NR, false);
    int pid = k.spawn();
    int fd = k.open(pid, file);
    long zeroed = m.get("pages_zeroed");
    long misses = m.get("pagecache_misses");
    k.write(pid, fd, 0, 1);
    assertThat(m.get("thp_file_alloc")).isEqualTo(1);
    assertThat(m.get("nr_shmem_hugepages")).isEqualTo(1);
    assertThat(m.get("pages_zeroed") - zeroed).isEqualTo(NR - 1);
    assertThat(m.get("pagecache_misses") - misses).as("one folio read in").isEqualTo(1);
    k.write(pid, fd, 1, 8);
    assertThat(m.get("thp_file_alloc")).isEqualTo(1);
    assertThat(m.get("pages_zeroed") - zeroed).isEqualTo(NR - 1);
    k.write(pid, fd, NR + 7, 1);
    assertThat(m.get("thp_file_alloc")).isEqualTo(2);
    assertThat(m.get("pages_zeroed") - zeroed).as("all but page 7 of the second").isEqualTo(2 * (NR - 1));
    assertThat(m.get("thp_file_fallback")).isZero();
    long[] f = frames(file, 2 * NR);
    assertOneFolio(f, 0);
    assertOneFolio(f, NR);
    assertThat(m.get("pagecache_misses") - misses).as("every page was cached").isEqualTo(2);
    assertThat(checker.checkFunctional()).isNull();
    String vmstat = VmStat.render(VmStat.of(m, allocator));
    assertThat(vmstat).contains("\nnr_shmem_hugepages 2\n", "\nthp_file_alloc 2\nthp_file_fallback 0\n",
        "\nthp_split_page 0\n");
    assertThat(vmstat.indexOf("nr_shmem_hugepages")).as("/proc/vmstat's order").isLessThan(vmstat.indexOf("thp_file_alloc"));
  }

  /**
   * A file of 700 pages: {@code within_size} gives its first 2 MiB a huge folio and leaves the last
   * 188 pages, which a folio would overrun, in 4 KiB folios (not a fallback); {@code always} gives
   * them a folio reaching 324 pages past the end.
   */
  @Test
  void withinSizeStopsAtTheEndOfTheFileAndAlwaysReachesPastIt() {
    boot();
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_WITHIN_SIZE);
    int file = k.createFile(700, false);
    int pid = k.spawn();
    int fd = k.open(pid, file);
    k.write(pid, fd, 0, 1);
    k.write(pid, fd, 600, 1);
    assertThat(m.get("thp_file_alloc")).isEqualTo(1);
    assertThat(m.get("thp_file_fallback")).isZero();
    assertThat(m.get("pagecache_misses")).isEqualTo(2);
    int exact = k.createFile(2 * NR, false); // a folio that ends where the file ends is within its size
    k.write(pid, k.open(pid, exact), NR + 88, 1);
    assertThat(m.get("thp_file_alloc")).isEqualTo(2);

    boot();
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_ALWAYS);
    file = k.createFile(700, false);
    pid = k.spawn();
    fd = k.open(pid, file);
    long free = allocator.zoneFreePages();
    k.write(pid, fd, 600, 1);
    assertThat(m.get("thp_file_alloc")).isEqualTo(1);
    assertThat(free - allocator.zoneFreePages()).as("the whole folio, past the end too").isGreaterThanOrEqualTo(NR);
    long[] f = frames(file, 700);
    assertOneFolio(f, NR);
    long lost = m.get("access_losses");
    k.close(pid, fd);
    // frames()'s read faults gave pages 0..511 their folio too: 1024 cached, 324 of them past the end
    assertThat(m.get("access_losses") - lost).as("closing ends access to both folios, past the end too")
        .isEqualTo(2 * NR);
    k.exit(pid);
    assertThat(checker.checkFunctional()).isNull();
  }

  /**
   * Under ASI with the default {@code exit} mapper a write that allocates a huge folio exits once,
   * at the first of the 511 pages it clears (site {@code zeroing}), and the copy runs unrestricted;
   * a write into a 4 KiB folio exits at the copy (site {@code pagecache_write}).
   */
  @Test
  void underAsiTheHugeFolioCostsOneExitAtItsClearing() {
    boot(true, false, 256L << 20);
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_WITHIN_SIZE);
    int file = k.createFile(NR + 4, false);
    int pid = k.spawn();
    int fd = k.open(pid, file);
    long exits = m.get("asi_exits");
    long zeroing = m.get("asi_exit_sites.zeroing");
    long write = m.get("asi_exit_sites.pagecache_write");
    k.write(pid, fd, 3, 1);
    assertThat(m.get("thp_file_alloc")).isEqualTo(1);
    assertThat(m.get("asi_exits") - exits).isEqualTo(1);
    assertThat(m.get("asi_exit_sites.zeroing") - zeroing).isEqualTo(1);
    assertThat(m.get("asi_exit_sites.pagecache_write") - write).isZero();
    k.write(pid, fd, NR + 1, 1); // past the last whole 2 MiB: a 4 KiB folio (within_size)
    assertThat(m.get("thp_file_alloc")).isEqualTo(1);
    assertThat(m.get("asi_exits") - exits).isEqualTo(2);
    assertThat(m.get("asi_exit_sites.pagecache_write") - write).isEqualTo(1);
    assertThat(checker.checkFunctional()).isNull();
  }

  /**
   * Under reclaim the tmpfs superblock's shrinker splits a folio reaching past the end of its file
   * ({@code shmem_unused_huge_shrink()}): with the free pages taken down to the watermark, a
   * page-cache miss of a disk file wakes kswapd, whose round splits the 700-page file's last folio
   * and frees its 324 pages past the end; the file's own pages stay cached, and the folio is off
   * the list.
   */
  @Test
  void reclaimSplitsAFolioPastTheEndOfItsFile() {
    boot();
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_ALWAYS);
    int file = k.createFile(700, false);
    int disk = k.createFile(4, true);
    int pid = k.spawn();
    int fd = k.open(pid, file);
    int fd2 = k.open(pid, disk);
    k.write(pid, fd, 600, 1);
    k.write(pid, fd, 0, 1);
    assertThat(m.get("nr_shmem_hugepages")).isEqualTo(2);
    List<Long> held = new ArrayList<>();
    for (long p = allocator.alloc(0, 0, Gfp.GFP_KERNEL); p >= 0; p = allocator.alloc(0, 0, Gfp.GFP_KERNEL)) {
      held.add(p);
    }
    long wakeups = m.get("kswapd_wakeups");

    k.read(pid, fd2, 0, 1); // a miss: the page cache's allocation wakes kswapd, whose round reclaims

    assertThat(m.get("kswapd_wakeups")).isGreaterThan(wakeups);
    assertThat(m.get("thp_split_page")).as("only the folio past the end").isEqualTo(1);
    assertThat(m.get("nr_shmem_hugepages")).isEqualTo(1);
    assertThat(m.get("pagecache_misses")).as("the disk page was read in").isEqualTo(3);
    long misses = m.get("pagecache_misses");
    k.read(pid, fd, 512, 188);
    assertThat(m.get("pagecache_misses")).as("the file's pages stayed cached").isEqualTo(misses);
    assertThat(checker.checkFunctional()).isNull();
    held.forEach(p -> allocator.free(0, p, 0));
  }

  /** {@code never} reports nothing new; {@code advise} reports the counters but makes no folio (no mapping here is madvised). */
  @Test
  void neverAndAdviseMakeNoHugeFolio() {
    boot();
    int file = k.createFile(NR, false);
    int pid = k.spawn();
    int fd = k.open(pid, file);
    long zeroed = m.get("pages_zeroed");
    k.write(pid, fd, 0, 1);
    assertThat(m.all()).doesNotContainKeys("thp_file_alloc", "nr_shmem_hugepages");
    assertThat(m.get("pages_zeroed")).isEqualTo(zeroed);

    boot();
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_ADVISE);
    file = k.createFile(NR, false);
    pid = k.spawn();
    fd = k.open(pid, file);
    zeroed = m.get("pages_zeroed");
    k.write(pid, fd, 0, 1);
    assertThat(m.all()).containsKeys("thp_file_alloc", "thp_file_fallback", "nr_shmem_hugepages");
    assertThat(m.get("thp_file_alloc")).isZero();
    assertThat(m.get("pages_zeroed")).isEqualTo(zeroed);
  }

  /** {@code shmem_enabled=deny} overrides {@code huge=always}, {@code force} overrides {@code huge=never}. */
  @Test
  void denyAndForceOverrideTheMount() {
    boot();
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_ALWAYS);
    k.setShmemEnabled(Kernel.SHMEM_HUGE_DENY);
    int file = k.createFile(NR, false);
    int pid = k.spawn();
    int fd = k.open(pid, file);
    k.write(pid, fd, 0, 1);
    assertThat(m.get("thp_file_alloc")).isZero();
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_NEVER);
    k.setShmemEnabled(Kernel.SHMEM_HUGE_FORCE);
    int file2 = k.createFile(NR, false);
    k.write(pid, k.open(pid, file2), 3, 1);
    assertThat(m.get("thp_file_alloc")).isEqualTo(1);
  }

  /** A 2 MiB range that caches a 4 KiB page already gets 4 KiB folios ({@code xa_find()}), without a fallback. */
  @Test
  void aRangeWithACachedPageStaysIn4KibFolios() {
    boot();
    int file = k.createFile(2 * NR, false);
    int pid = k.spawn();
    int fd = k.open(pid, file);
    k.write(pid, fd, 5, 1);
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_ALWAYS);
    k.write(pid, fd, 6, 1);
    assertThat(m.get("thp_file_alloc")).isZero();
    assertThat(m.get("thp_file_fallback")).isZero();
    k.write(pid, fd, NR, 1);
    assertThat(m.get("thp_file_alloc")).isEqualTo(1);
  }

  /** A read fault on a hole allocates the folio and clears all 512 pages ({@code SGP_CACHE}); the page is mapped by a PTE. */
  @Test
  void aFaultClearsTheWholeFolio() {
    boot();
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_ALWAYS);
    int file = k.createFile(NR, false);
    int pid = k.spawn();
    long va = k.mmapFile(pid, file, NR);
    long zeroed = m.get("pages_zeroed");
    k.touch(pid, va + 9 * PAGE, false);
    assertThat(m.get("thp_file_alloc")).isEqualTo(1);
    assertThat(m.get("pages_zeroed") - zeroed).isEqualTo(NR);
    assertThat(m.get("file_faults")).isEqualTo(1);
    long pfn = as.translate(k.k.tasks.mm(pid).mm, false, va + 9 * PAGE);
    assertThat(pfn % NR).isEqualTo(9);
    k.touch(pid, va + 10 * PAGE, false);
    assertThat(as.translate(k.k.tasks.mm(pid).mm, false, va + 10 * PAGE)).isEqualTo(pfn + 1);
    assertThat(m.get("pages_zeroed") - zeroed).as("cached: nothing more cleared").isEqualTo(NR);
    assertThat(checker.checkFunctional()).isNull();
  }

  /**
   * A fault through a mapping that could not map the folio by a PMD ({@code thp_vma_suitable_order()}:
   * 8 pages, not the 2 MiB around the address) gets a 4 KiB folio; a mapping of the whole file, which
   * {@code shmem_get_unmapped_area()} aligns, a huge one. {@code limit_gfp_mask()} keeps the huge mask's own
   * flags, the limit's zones and only the reclaim rights both give.
   */
  @Test
  void aFaultThatCouldNotMapAPmdGets4KibAndTheGfpIsLimited() {
    boot();
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_ALWAYS);
    int file = k.createFile(2 * NR, false);
    int pid = k.spawn();
    long va = k.mmapFile(pid, file, 8);
    long zeroed = m.get("pages_zeroed");
    k.touch(pid, va, false);
    assertThat(m.get("thp_file_alloc")).isZero();
    assertThat(m.get("pages_zeroed") - zeroed).isEqualTo(1);
    long big = k.mmapFile(pid, file, 2 * NR);
    k.touch(pid, big + NR * PAGE, false);
    assertThat(m.get("thp_file_alloc")).as("2 MiB-aligned and covered: huge").isEqualTo(1);

    int light = HugeMemory.vmaThpGfpMask(Kernel.THP_DEFRAG_ALWAYS, true); // GFP_TRANSHUGE: may reclaim directly
    int nofs = Gfp.GFP_NOFS;
    int limited = ShmemHuge.limitGfpMask(light, nofs);
    assertThat(limited & Gfp.__GFP_FS).as("the limit denies FS").isZero();
    assertThat(limited & Gfp.__GFP_DIRECT_RECLAIM).as("both allow direct reclaim").isNotZero();
    assertThat(limited & Gfp.GFP_ZONEMASK).as("the limit's zones").isEqualTo(nofs & Gfp.GFP_ZONEMASK);
    assertThat(limited & Gfp.__GFP_COMP).as("the huge mask's own").isNotZero();
    assertThat(ShmemHuge.limitGfpMask(light, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_NORETRY) & Gfp.__GFP_NORETRY)
        .as("the limit's NORETRY").isNotZero();
  }

  /**
   * With no free order-9 block ({@code vmscan.allocPages()} fails: {@code GFP_TRANSHUGE_LIGHT} may
   * neither reclaim nor compact) the write counts {@code thp_file_fallback} and gets a 4 KiB folio.
   */
  @Test
  void noFreeOrder9BlockFallsBackTo4Kib() {
    boot();
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_ALWAYS);
    int file = k.createFile(NR, false);
    int pid = k.spawn();
    int fd = k.open(pid, file);
    List<Long> held = new ArrayList<>();
    for (long b = allocator.alloc(0, ShmemHuge.HPAGE_PMD_ORDER, Gfp.GFP_HIGHUSER_MOVABLE); b >= 0;
        b = allocator.alloc(0, ShmemHuge.HPAGE_PMD_ORDER, Gfp.GFP_HIGHUSER_MOVABLE)) {
      held.add(b);
    }
    assertThat(held).isNotEmpty();
    long zeroed = m.get("pages_zeroed");
    k.write(pid, fd, 0, 1);
    assertThat(m.get("thp_file_fallback")).isEqualTo(1);
    assertThat(m.get("thp_file_alloc")).isZero();
    assertThat(m.get("pages_zeroed")).isEqualTo(zeroed);
    assertThat(m.get("pagecache_misses")).isEqualTo(1);
  }

  /**
   * A random read of a file larger than the LLC costs {@link VfsCosts#READ_LOOKUP_COLD_PMD} for its
   * lookup in a huge folio, {@link VfsCosts#READ_LOOKUP_COLD} in a 4 KiB one: same reads, same copies.
   */
  @Test
  void aColdReadInAHugeFolioCostsTheShorterLookup() {
    long[] cycles = new long[2];
    for (int huge = 0; huge < 2; huge++) {
      boot(false, false, 1L << 30);
      if (huge == 1) {
        k.setTmpfsHuge(Kernel.SHMEM_HUGE_ALWAYS);
      }
      int pages = 256 << 8; // 256 MiB: beyond the 105 MiB LLC of the default profile
      int file = k.createFile(pages, false);
      int pid = k.spawn();
      int fd = k.open(pid, file);
      for (int i = 0; i < pages; i += NR) {
        k.write(pid, fd, i, NR);
      }
      int cpu = k.cpuOf(pid);
      long c = k.k.machine.cycles(cpu);
      k.read(pid, fd, 12345, 1);
      cycles[huge] = k.k.machine.cycles(cpu) - c;
    }
    assertThat(cycles[0] - cycles[1]).isEqualTo(VfsCosts.READ_LOOKUP_COLD - VfsCosts.READ_LOOKUP_COLD_PMD);
  }
}
