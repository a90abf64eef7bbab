package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.ChangeLog;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The allocator's local check on a {@link ChangeLog} (docs/checker.md, "Incremental checking"):
 * clean after every op of random alloc/free mixes on every strategy, with the log holding only the
 * blocks the op touched; and each corruption it claims to see, made at a logged frame, is reported
 * by it and by the full check alike.
 */
class LocalConsistencyCheckerTest {
  private static final long FRAMES = 64L << 8; // 64 MiB
  private static final long RESERVED = 256;
  private static final int[] GFPS = {
    Gfp.GFP_KERNEL, Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_SENSITIVE,
    Gfp.GFP_HIGHUSER_MOVABLE, Gfp.GFP_ATOMIC, Gfp.GFP_NOWAIT | Gfp.__GFP_SENSITIVE,
  };

  private static BuddyAllocator buddy(FakeArch arch, Metrics m, boolean asi) {
    return Allocators.buddy(arch, m, Fixtures.GFP_SENSITIVE, BuddyConfig.defaults(asi), "");
  }

  @Test
  void randomMixesStayCleanAndLogOnlyWhatChanged() {
    mix((arch, m) -> buddy(arch, m, false));
    mix((arch, m) -> buddy(arch, m, true));
    mix((arch, m) -> Allocators.unmappedPool(buddy(arch, m, false), m, Fixtures.GFP_SENSITIVE, Sensitivity.SENSITIVE,
        false, 9, 128));
    mix((arch, m) -> Allocators.unmappedPool(buddy(arch, m, false), m, Fixtures.GFP_SENSITIVE,
        Sensitivity.NONSENSITIVE, false, 0, 4));
  }

  private static void mix(BiFunction<FakeArch, Metrics, PageAllocator> f) {
    FakeArch arch = new FakeArch(2, FRAMES, RESERVED);
    Metrics m = new Metrics();
    PageAllocator a = f.apply(arch, m);
    ChangeLog log = new ChangeLog();
    assertThat(a.logChanges(log)).isTrue();
    SplittableRandom rnd = new SplittableRandom(7);
    long[] held = new long[4096];
    int[] orders = new int[held.length];
    int n = 0;
    long maxLogged = 0;
    long totalLogged = 0;
    for (int op = 0; op < 20_000; op++) {
      if (n < held.length && (n == 0 || rnd.nextInt(100) < (op / 2000 % 2 == 0 ? 65 : 35))) {
        int order = rnd.nextInt(10) < 7 ? 0 : rnd.nextInt(11);
        long pfn = a.alloc(rnd.nextInt(2), order, GFPS[rnd.nextInt(GFPS.length)]);
        if (pfn >= 0) {
          held[n] = pfn;
          orders[n++] = order;
        }
      } else {
        int i = rnd.nextInt(n);
        a.free(rnd.nextInt(2), held[i], orders[i]);
        held[i] = held[--n];
        orders[i] = orders[n];
      }
      assertThat(log.overflowed()).isFalse();
      long logged = 0;
      for (int r = 0; r < log.nrFrameRanges(); r++) {
        logged += log.frameCount(r);
      }
      maxLogged = Math.max(maxLogged, logged);
      totalLogged += logged;
      assertThat(a.checkConsistency(log)).as("op %d", op).isNull();
      log.clear();
      if (op % 2000 == 0) {
        assertThat(a.checkConsistency()).as("op %d", op).isNull();
      }
      if (op % 100 == 0) {
        // the range answer the exposure scan uses agrees with asking frame by frame
        for (int k = 0; k < 8; k++) {
          long len = 1 + rnd.nextInt(rnd.nextBoolean() ? 600 : 70);
          long start = rnd.nextLong(FRAMES - len);
          boolean any = false;
          for (long q = start; q < start + len && !any; q++) {
            any = a.sensitivity(q) == Sensitivity.SENSITIVE;
          }
          assertThat(a.anySensitive(start, len)).as("op %d [%d, +%d)", op, start, len).isEqualTo(any);
        }
      }
    }
    // an op touches a few blocks (a pcp batch, a split, a merge, a flip or a pool refill), not
    // memory: 61 frames per op on average for the ASI buddy (an order-10 block is logged up to three
    // times, by its list, its allocation and its pageblocks), 8 035 at most
    assertThat(totalLogged / 20_000.0).isPositive().isLessThan(100);
    assertThat(maxLogged).isLessThan(FRAMES);
  }

  /** A single-zone allocator with its log on, after a few allocations. */
  private static final class Rig {
    final FakeArch arch = new FakeArch(2, FRAMES, RESERVED);
    final BuddyAllocator a = buddy(arch, new Metrics(), true);
    final ChangeLog log = new ChangeLog();
    final long page;

    Rig() {
      a.logChanges(log);
      page = a.alloc(0, 0, Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE);
      assertThat(a.checkConsistency(log)).isNull();
      log.clear();
    }

    String local() {
      return a.checkConsistency(log);
    }
  }

  @Test
  void aLostFrameIsSeenWhereItWasLost() {
    Rig r = new Rig();
    r.a.ft.setState((int) r.page, 0); // neither free nor allocated now: the write is logged
    assertThat(r.local()).contains("frame " + r.page + " is neither free nor allocated (lost)");
    assertThat(r.a.checkConsistency()).contains("frame " + r.page + " is neither free nor allocated (lost)");
  }

  @Test
  void aHeadInsideABlockIsSeen() {
    Rig r = new Rig();
    int big = (int) r.a.alloc(0, 4, Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE);
    r.log.clear();
    r.a.ft.setState(big + 3, FrameTable.ALLOC);
    assertThat(r.local()).contains("frame " + (big + 3) + " is inside the block at pfn " + big);
    assertThat(r.a.checkConsistency()).contains("frame " + (big + 3) + " is inside the block at pfn " + big);
  }

  @Test
  void brokenLinksOfALoggedFreeBlockAreSeen() {
    Rig r = new Rig();
    Zone z = r.a.zones[r.a.zones.length - 1];
    int p = Zone.NIL;
    for (int l = 0; l < z.free.length / FrameTable.LIST_SLOTS && p == Zone.NIL; l++) {
      if (z.freeLen(l) >= 2) {
        p = z.freeHead(l);
      }
    }
    assertThat(p).isNotEqualTo(Zone.NIL);
    int next = r.a.ft.next(p);
    r.a.ft.setLink(next, (r.a.ft.linkOf(next) & 0xffffffffL) | ((long) next << 32)); // next's prev no longer p
    r.log.frames(p, 1);
    assertThat(r.local()).contains("broken list links at free block pfn " + p);
    assertThat(r.a.checkConsistency()).contains("broken prev link");
  }

  @Test
  void aCounterOffByOneIsSeenOnTheZoneThatChanged() {
    Rig r = new Rig();
    Zone z = r.a.zones[r.a.zones.length - 1];
    z.nrFree[3]++;
    assertThat(r.local()).as("nothing of the zone was logged").isNull();
    r.log.frames(z.startPfn, 1);
    assertThat(r.local()).contains("nr_free[3] is");
    assertThat(r.a.checkConsistency()).contains("nr_free[3] is");
  }

  @Test
  void aPageblockWhoseRestrictedMapDisagreesIsSeen() {
    Rig r = new Rig();
    int pb = (int) (r.page & ~(FrameTable.PB_PAGES - 1));
    boolean mapped = r.arch.isRestrictedMapped(pb);
    r.arch.setRestrictedMapped(0, pb, FrameTable.PB_PAGES, !mapped);
    r.log.frames(pb, FrameTable.PB_PAGES); // as the machine logs it
    assertThat(r.local()).contains("pageblock at pfn " + pb);
    assertThat(r.a.checkConsistency()).contains("pageblock at pfn " + pb);
  }

  @Test
  void withoutALogEntryTheLocalCheckSeesNothingAndTheFullCheckDoes() {
    Rig r = new Rig();
    r.a.ft.writeState((int) r.page, 0); // behind the log's back: only the periodic full check sees it
    assertThat(r.local()).isNull();
    assertThat(r.a.checkConsistency()).contains("lost");
  }
}
