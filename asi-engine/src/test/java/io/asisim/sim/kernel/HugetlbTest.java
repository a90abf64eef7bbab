package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.sim.check.Checker;
import org.junit.jupiter.api.Test;

/**
 * The hugetlb pool ({@link Hugetlb}) under {@code alloc_contig_range()}, hand-checked on a 256 MiB,
 * 2-CPU machine whose top 160 MiB are the CMA area (as in {@link MigrateRmapTest}): with more than
 * half of the free memory in CMA, a movable 2 MiB allocation takes a block of it, so the pool's
 * pages land in the area, and {@code cma_alloc()} of the whole area must move them out.
 */
class HugetlbTest {
  private static final int NR = 512;
  private static final int CMA_BLOCKS = 80;
  private static final long CMA_BASE = (256L << 20) / 4096 - CMA_BLOCKS * 512L;
  private SimKernel k;
  private Metrics m;
  private PageAllocator allocator;
  private Checker checker;

  private void boot(boolean asi) {
    boot(asi, "cma=160M");
  }

  private void boot(boolean asi, String setting) {
    KernelRig r = KernelRig.boot(256L << 20, 2, asi, setting);
    k = r.k();
    m = r.ctx().metrics();
    allocator = r.ctx().allocator();
    checker = r.checker();
  }

  /**
   * Three in-use huge pages in the area move out whole: 1 536 pages migrated, no THP event (a
   * hugetlb folio is no THP), the handles name the copies, and freeing them gives every frame back.
   */
  @Test
  void cmaMovesInUseHugePagesAndTheirHandlesFollow() {
    for (boolean asi : new boolean[] {false, true}) {
      boot(asi);
      long free = allocator.zoneFreePages();
      int[] h = {k.hugetlbAlloc(0), k.hugetlbAlloc(0), k.hugetlbAlloc(1)};
      for (int handle : h) {
        assertThat(k.k.hugetlb.pfnOf(handle)).as("in the area").isGreaterThanOrEqualTo(CMA_BASE);
      }
      long moved = m.get("pgmigrate_success");

      assertThat(k.cmaAlloc(0, CMA_BLOCKS)).isEqualTo(CMA_BASE);

      assertThat(m.get("pgmigrate_success") - moved).isEqualTo(3 * NR);
      assertThat(m.all()).doesNotContainKeys("thp_migration_success", "thp_migration_fail");
      for (int handle : h) {
        long pfn = k.k.hugetlb.pfnOf(handle);
        assertThat(pfn).as("moved below the area").isLessThan(CMA_BASE);
        assertThat(pfn % NR).isZero();
        assertThat(k.k.migration.folioHugetlb(pfn)).isTrue();
        assertThat(k.k.migration.folioOrder(pfn)).isEqualTo(Hugetlb.ORDER);
        assertThat(k.k.migration.movable(pfn)).as("compaction never isolates it").isFalse();
      }
      assertThat(checker.checkFunctional()).isNull();
      k.cmaRelease(0, CMA_BASE, CMA_BLOCKS);
      for (int handle : h) {
        k.hugetlbFree(0, handle);
      }
      assertThat(allocator.zoneFreePages()).as("every frame back").isEqualTo(free);
      assertThatThrownBy(() -> k.hugetlbFree(0, h[0])).isInstanceOf(IllegalArgumentException.class);
      assertThat(k.hugetlbAlloc(0)).as("the last handle freed first").isEqualTo(h[2]);
    }
  }

  /**
   * With every 2 MiB block below the area taken there is no target: {@code migrate_hugetlbs()}
   * returns {@code -ENOMEM} (the folio is never split), {@code cma_alloc()} fails and the page stays
   * where it was, its handle valid.
   */
  @Test
  void withoutATargetTheHugePageStaysAndCmaAllocFails() {
    boot(false);
    int h = k.hugetlbAlloc(0);
    long pfn = k.k.hugetlb.pfnOf(h);
    assertThat(pfn).isGreaterThanOrEqualTo(CMA_BASE);
    while (allocator.alloc(0, Hugetlb.ORDER, Gfp.GFP_USER) >= 0) {
      // every free 2 MiB block outside the area (GFP_USER: not movable, so not from CMA)
    }
    long fails = m.get("pgmigrate_fail");

    assertThat(k.cmaAlloc(0, CMA_BLOCKS)).isEqualTo(-1);

    assertThat(m.get("cma_alloc_fail")).isEqualTo(1);
    assertThat(m.get("pgmigrate_fail") - fails).isEqualTo(NR);
    assertThat(m.get("thp_split_page")).isZero();
    assertThat(k.k.hugetlb.pfnOf(h)).isEqualTo(pfn);
    assertThat(checker.checkFunctional()).isNull();
  }

  /**
   * With {@code movablecore=128M} the top memory block (pfn 32768..65535) is ZONE_MOVABLE's, where
   * the pool's {@code GFP_HIGHUSER_MOVABLE} pages go first: taking the block offline
   * ({@code offline_pages()} → {@code do_migrate_range()}) moves them below it, and it comes back.
   */
  @Test
  void offliningAMovableBlockMovesTheHugePagesInIt() {
    for (boolean asi : new boolean[] {false, true}) {
      boot(asi, "movablecore=128M");
      int pid = k.spawn();
      int[] h = {k.hugetlbAlloc(0), k.hugetlbAlloc(0)};
      for (int handle : h) {
        assertThat(k.k.hugetlb.pfnOf(handle)).as("in ZONE_MOVABLE").isGreaterThanOrEqualTo(32768);
      }
      long moved = m.get("pgmigrate_success");

      assertThat(k.removeMemoryBlock(pid, 1)).isZero();

      assertThat(m.get("memory_offline")).isEqualTo(1);
      assertThat(m.get("pgmigrate_success") - moved).as("both, and the one user page of the process that asks")
          .isEqualTo(2 * NR + 1);
      for (int handle : h) {
        assertThat(k.k.hugetlb.pfnOf(handle)).isLessThan(32768);
      }
      assertThat(checker.checkFunctional()).isNull();
      assertThat(k.addMemoryBlock(pid, 1)).isZero();
      k.hugetlbFree(0, h[0]);
      k.hugetlbFree(0, h[1]);
      assertThat(checker.checkFunctional()).isNull();
    }
  }
}
