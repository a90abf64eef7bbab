package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_UNMOVABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.fixtures.FakeArch;
import org.junit.jupiter.api.Test;

/**
 * The slow path's extension points: {@link CompactionHook} runs where
 * {@code __alloc_pages_direct_compact()} would, for blocking requests only, with the request's
 * {@link AllocContext}, and a page it makes available is allocated.
 */
class SlowpathHooksTest {
  @Test
  void compactionRunsOnceForABlockingRequestThatFailsAndNeverForAnAtomicOne() {
    FakeArch arch = new FakeArch(1, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), false);
    for (int i = 0; i < 4; i++) {
      assertThat(a.alloc(0, 10, Gfp.GFP_KERNEL)).isEqualTo(i * 1024L);
    }
    int[] calls = new int[1];
    int[] seen = new int[5];
    a.useCompaction((order, allocFlags, prio, ac, getPage) -> {
      calls[0]++;
      seen[0] = order;
      seen[1] = ac.cpu;
      seen[2] = ac.migratetype;
      seen[3] = ac.highestZoneIdx;
      seen[4] = prio;
      return -1;
    });
    assertThat(a.alloc(0, 3, Gfp.GFP_ATOMIC)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(calls[0]).isZero();
    assertThat(a.alloc(0, 2, Gfp.GFP_KERNEL)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(calls[0]).isEqualTo(1);
    assertThat(seen).containsExactly(2, 0, MIGRATE_UNMOVABLE, Gfp.ZONE_NORMAL, CompactionHook.COMPACT_PRIO_ASYNC);
    // the retry after reclaim compacts once more, synchronously, and not asynchronously first
    assertThat(a.allocAfterReclaim(0, 2, Gfp.GFP_KERNEL)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(calls[0]).isEqualTo(2);
    assertThat(seen[4]).isEqualTo(CompactionHook.COMPACT_PRIO_SYNC_LIGHT);
  }

  @Test
  void aMovableNonCostlyRequestReclaimsBeforeItCompacts() {
    FakeArch arch = new FakeArch(1, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), false);
    for (int i = 0; i < 4; i++) {
      assertThat(a.alloc(0, 10, Gfp.GFP_KERNEL)).isEqualTo(i * 1024L);
    }
    int[] prios = new int[4];
    int[] calls = new int[1];
    a.useCompaction((order, allocFlags, prio, ac, getPage) -> {
      prios[calls[0]++] = prio;
      return -1;
    });
    assertThat(a.alloc(0, 2, Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(calls[0]).isZero();
    assertThat(a.allocAfterReclaim(0, 2, Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(calls[0]).isEqualTo(1);
    assertThat(prios[0]).isEqualTo(CompactionHook.COMPACT_PRIO_SYNC_LIGHT);
    // a costly movable request (a THP) compacts asynchronously first
    assertThat(a.alloc(0, 9, Gfp.GFP_TRANSHUGE)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(calls[0]).isEqualTo(2);
    assertThat(prios[1]).isEqualTo(CompactionHook.COMPACT_PRIO_ASYNC);
  }

  @Test
  void aPageFreedByCompactionIsAllocatedByItsRetry() {
    FakeArch arch = new FakeArch(1, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), false);
    for (int i = 0; i < 4; i++) {
      assertThat(a.alloc(0, 10, Gfp.GFP_KERNEL)).isEqualTo(i * 1024L);
    }
    // "Compaction" frees the block at 2048, then retries get_page_from_freelist() as the kernel does.
    a.useCompaction((order, allocFlags, prio, ac, getPage) -> {
      a.free(ac.cpu, 2048, 10);
      return getPage.getPageFromFreelist(order, allocFlags, ac);
    });
    assertThat(a.alloc(0, 10, Gfp.GFP_KERNEL)).isEqualTo(2048L);
    assertThat(a.checkConsistency()).isNull();
  }
}
