package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Gfp.__GFP_SENSITIVE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.ChangeLog;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The unmapped pool's accounting as the engine sees it ({@code sensitivityChanges}, the kswapd
 * wake-up, the reclaim watermark, the pool charge) and its two self-checks: the full
 * {@code check()} and the incremental {@code checkChanged()} on the frames the change log lists
 * (docs/checker.md), each reporting the lowest bad frame. One 16 MiB zone (4096 frames), 4 CPUs,
 * the sensitive class pooled, costBuddy (the pool's charge) 400 cycles. Gaps found by mutation
 * testing, docs/mutation-testing.md.
 */
class UnmappedPoolChecksTest {
  private static final int NS = GFP_KERNEL;
  private static final int S = GFP_KERNEL | __GFP_SENSITIVE;

  private final Metrics m = new Metrics();

  private UnmappedPoolAllocator pool(FakeArch arch) {
    BuddyAllocator main = Fixtures.singleZone(arch, m, false);
    return new UnmappedPoolAllocator(main, m, Fixtures.GFP_SENSITIVE, Sensitivity.SENSITIVE, false, 9, 128);
  }

  @Test
  void membershipChangesAreCountedAndAPoolHitTakesNoRefill() {
    UnmappedPoolAllocator a = pool(new FakeArch(4, 4096, 0));
    assertThat(a.sensitivityChanges()).isZero();
    assertThat(a.alloc(0, 0, S)).isEqualTo(0); // refill 0@9: one block into the pool
    assertThat(a.sensitivityChanges()).isEqualTo(1);
    a.free(0, 0, 0); // merges back into 0@9
    assertThat(a.alloc(0, 0, S)).isEqualTo(0); // from the pool: pfn 0 is a hit, not a miss
    assertThat(m.get("pool_refills")).isEqualTo(1);
    a.free(0, 0, 0);
    assertThat(a.pool().shrink(0)).isEqualTo(1); // out again
    assertThat(a.sensitivityChanges()).isEqualTo(2);
  }

  @Test
  void aRefillWithNothingToRefillFromChargesNothingAndWakesKswapd() {
    FakeArch arch = new FakeArch(4, 4096, 0);
    UnmappedPoolAllocator a = pool(arch);
    for (int i = 0; i < 4; i++) {
      assertThat(a.alloc(0, 10, NS)).isEqualTo(i * 1024L);
    }
    assertThat(a.takeKswapdWakeup()).isFalse();
    long cycles = arch.cycles();
    assertThat(a.alloc(0, 0, S)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(arch.cycles()).isEqualTo(cycles); // no block, no pool charge
    assertThat(m.get("pool_refill_failures")).isZero(); // not a mapping failure
    // the refill's order-9..0 attempts on the main allocator went through its slow path
    assertThat(a.takeKswapdWakeup()).isTrue();
    assertThat(a.takeKswapdWakeup()).isFalse();
  }

  @Test
  void theReclaimWatermarkIsTheMainAllocators() {
    // 256 MiB, min_free_kbytes 4096: min 1024, low 1280, high 1536 pages
    FakeArch arch = new FakeArch(2, 65536, 0);
    BuddyAllocator main = new BuddyAllocator(arch, m, Fixtures.GFP_SENSITIVE,
        new BuddyConfig(false, 0, false, 4096, 10, 100, 400, 1500), List.of(new ZoneSpan(1, "DMA32", 0, 65536)));
    main.freeAllBootMemory();
    UnmappedPoolAllocator a = new UnmappedPoolAllocator(main, m, Fixtures.GFP_SENSITIVE, Sensitivity.SENSITIVE, false, 9, 128);
    assertThat(a.reclaimWatermark()).isEqualTo(1536);
  }

  @Test
  void aReservedFrameOutsideThePoolMayBeUnmapped() {
    FakeArch arch = new FakeArch(4, 4096, 16); // memblock keeps [0, 16)
    UnmappedPoolAllocator a = pool(arch);
    // the reservation splits 0@10 at boot; the unmovable refill claims the largest block, 1024@10
    assertThat(a.alloc(0, 0, S)).isEqualTo(1024);
    arch.setRestrictedMapped(0, 3, 1, false);
    ChangeLog log = new ChangeLog();
    log.frames(0, 32);
    assertThat(a.checkConsistency()).isNull();
    assertThat(a.checkConsistency(log)).isNull();
    arch.setRestrictedMapped(0, 20, 1, false);
    assertThat(a.checkConsistency()).isEqualTo("pool: frame 20 outside the sensitive pool is unmapped in the restricted direct map");
    assertThat(a.checkConsistency(log)).isEqualTo("pool: frame 20 outside the sensitive pool is unmapped in the restricted direct map");
  }

  @Test
  void aClearedLogsOldRangesAreNotJudged() {
    FakeArch arch = new FakeArch(4, 4096, 0);
    UnmappedPoolAllocator a = pool(arch);
    arch.setRestrictedMapped(0, 600, 1, false); // bad: outside the sensitive pool, unmapped
    ChangeLog log = new ChangeLog();
    log.frames(2000, 1);
    log.frames(0, 1024);
    assertThat(a.checkConsistency(log)).isEqualTo("pool: frame 600 outside the sensitive pool is unmapped in the restricted direct map");
    log.clear(); // the engine reuses one log: only what is recorded after the clear counts
    log.frames(2000, 1);
    assertThat(log.nrFrameRanges()).isEqualTo(1);
    assertThat(a.checkConsistency(log)).isNull();
  }

  /** Refill 0@9 and hand out pfn 0, with the change log on: free 1@0, 2@1, ..., 256@8. */
  private UnmappedPoolAllocator logged(FakeArch arch, ChangeLog log) {
    UnmappedPoolAllocator a = pool(arch);
    assertThat(a.logChanges(log)).isTrue();
    assertThat(a.alloc(0, 0, S)).isEqualTo(0);
    assertThat(a.checkConsistency(log)).isNull();
    return a;
  }

  @Test
  void theIncrementalCheckJudgesTheLoggedFramesAndReportsTheLowestBadOne() {
    FakeArch arch = new FakeArch(4, 4096, 0);
    ChangeLog log = new ChangeLog();
    UnmappedPoolAllocator a = logged(arch, log);
    // The refill took 0@10 from the main allocator: [0, 1024) is logged, 1024 is not.
    arch.setRestrictedMapped(0, 1024, 1, false);
    assertThat(a.checkConsistency(log)).isNull();
    assertThat(a.checkConsistency()).isEqualTo("pool: frame 1024 outside the sensitive pool is unmapped in the restricted direct map");
    arch.setRestrictedMapped(0, 1024, 1, true);
    arch.setRestrictedMapped(0, 7, 1, true);
    arch.setRestrictedMapped(0, 5, 1, true);
    arch.setRestrictedMapped(0, 600, 1, false);
    assertThat(a.checkConsistency(log)).isEqualTo("pool: frame 5 in the sensitive pool is mapped in the restricted direct map");
    arch.setRestrictedMapped(0, 5, 1, false);
    arch.setRestrictedMapped(0, 7, 1, false);
    assertThat(a.checkConsistency(log)).isEqualTo("pool: frame 600 outside the sensitive pool is unmapped in the restricted direct map");
  }

  @Test
  void theIncrementalCheckFindsALoggedPoolHeadWithBadLinks() {
    ChangeLog log = new ChangeLog();
    UnmappedPoolAllocator a = logged(new FakeArch(4, 4096, 0), log);
    FrameTable ft = a.main().ft;
    log.clear();
    // 2@1, alone on the order-1 list, now says its predecessor is pfn 1 (whose next is not 2)
    ft.setLink(2, (ft.linkOf(2) & 0xffffffffL) | (1L << 32));
    ft.setState(2, FrameTable.POOL | 1); // unchanged state, but the frame is logged
    assertThat(a.checkConsistency(log)).isEqualTo("pool: pfn 2 on the order-1 list is not a free pool block");
  }

  @Test
  void theFullCheckFindsBadListsAndABadCounter() throws ReflectiveOperationException {
    UnmappedPoolAllocator a = pool(new FakeArch(4, 4096, 0));
    assertThat(a.alloc(0, 0, S)).isEqualTo(0);
    UnmappedPool p = a.pool();
    FrameTable ft = a.main().ft;
    // the order-0 list holds 1 alone; make it point at itself
    long link = ft.linkOf(1);
    ft.setLink(1, (link & 0xffffffff00000000L) | 1L);
    assertThat(p.check()).isEqualTo("pool: cycle in the order-0 list");
    ft.setLink(1, link);
    ft.writeState(1, 0);
    assertThat(p.check()).isEqualTo("pool: pfn 1 on the order-0 list is not a free pool block");
    ft.writeState(1, FrameTable.POOL);
    assertThat(p.check()).isNull();
    int[] lists = (int[]) field("lists").get(p);
    lists[FrameTable.LIST_SLOTS * 0 + 2]++; // the order-0 list's length
    assertThat(p.check()).isEqualTo("pool: order-0 list length mismatch");
    lists[2]--;
    java.lang.reflect.Field free = field("freePages");
    free.setLong(p, free.getLong(p) + 1);
    assertThat(p.check()).isEqualTo("pool: free pages counter 512 but lists hold 511");
    assertThat(p.checkChanged(new ChangeLog())).isEqualTo("pool: free pages counter 512 but lists hold 511");
  }

  private static java.lang.reflect.Field field(String name) throws NoSuchFieldException {
    java.lang.reflect.Field f = UnmappedPool.class.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
