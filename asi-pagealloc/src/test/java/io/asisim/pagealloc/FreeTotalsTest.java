package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Migratetype;
import io.asisim.fixtures.FakeArch;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The free-page total reclaim asks for on every allocation is kept as running totals (buddy,
 * pcp, isolated pages per zone); it equals the sum over every list, and the consistency check
 * catches a total that drifted.
 */
class FreeTotalsTest {
  /** The total summed from the lists, as {@code FreeArea.nrFreePages} did before the running totals. */
  private static long fromLists(BuddyAllocator a) {
    long n = 0;
    for (Zone z : a.zones) {
      for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
        for (int t = 0; t < z.nrFreetypes; t++) {
          n += (long) z.freeLen(z.list(o, t)) << o;
        }
      }
      for (int l = 0; l < z.nrPcpLists * a.nrCpus; l++) {
        int order = (l % z.nrPcpLists % FrameTable.NR_LOWORDER_PCP_LISTS) / Migratetype.MIGRATE_PCPTYPES;
        n += (long) z.pcpLen(l) << order;
      }
    }
    return n;
  }

  @Test
  void theRunningTotalEqualsTheListsUnderRandomTrafficAndADriftIsCaught() {
    FakeArch arch = new FakeArch(4, 32 * FrameTable.PB_PAGES, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), false);
    Fixtures.randomTraffic(a, new SplittableRandom(3), 5000, 4, r -> r.nextInt(4) == 0 ? r.nextInt(11) : 0,
        i -> assertThat(a.freePages()).as("after op %d", i).isEqualTo(fromLists(a)));
    assertThat(a.checkConsistency()).isNull();
    Zone z = a.zones[0];
    z.pcpPages++;
    assertThat(a.checkConsistency()).startsWith("zone DMA32: pcp pages total is ");
    z.pcpPages--;
    z.isolatedPages++;
    assertThat(a.checkConsistency()).isEqualTo("zone DMA32: isolated pages total is 1 but the isolate lists hold 0");
    z.isolatedPages--;
    assertThat(a.checkConsistency()).isNull();
  }

  /**
   * An order-0 allocation served from a filled pcp list, and its free back to it, touch no zone
   * free list: every free list's head, tail and length, and NR_FREE_PAGES, are as they were. A
   * regression that sent the pcp fast path to the buddy lists fails here, whatever it costs.
   */
  @Test
  void aPcpHitAndItsFreeTouchNoFreeList() {
    // the kernel's default watermarks and pcp sizes on a 1 GiB zone (the fixture's tiny ones give
    // pcp lists no room: every free would drain)
    FakeArch arch = new FakeArch(2, (1L << 30) >>> 12, 0);
    BuddyAllocator a = new BuddyAllocator(arch, new Metrics(), Fixtures.GFP_SENSITIVE, BuddyConfig.defaults(false),
        List.of(new ZoneSpan(1, "DMA32", 0, arch.nrFrames())));
    a.freeAllBootMemory();
    long first = a.alloc(1, 0, GFP_KERNEL); // the refill: rmqueue_bulk() from the free lists
    Zone z = a.zones[0];
    int[] lists = z.free.clone();
    long free = z.freePages;
    for (int i = 0; i < 100; i++) {
      long p = a.alloc(1, 0, GFP_KERNEL);
      assertThat(p).isNotNegative();
      a.free(1, p, 0);
      assertThat(z.free).as("free lists after pcp round %d", i).isEqualTo(lists);
      assertThat(z.freePages).isEqualTo(free);
    }
    a.free(1, first, 0);
    assertThat(z.free).isEqualTo(lists);
    assertThat(a.checkConsistency()).isNull();
  }
}
