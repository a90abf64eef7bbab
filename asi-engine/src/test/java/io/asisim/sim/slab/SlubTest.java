package io.asisim.sim.slab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SLUB model: hand-checked counts of its paths, and its invariants under random traffic. */
class SlubTest {
  private final Metrics metrics = new Metrics();
  private final SlabInfoTest.Fake pages = new SlabInfoTest.Fake();
  private final List<Integer> gfps = new ArrayList<>();
  private final Slub slub = new Slub(2, new SlabPages() {
    @Override
    public long alloc(int cpu, int order, int gfp) {
      gfps.add(gfp);
      return pages.alloc(cpu, order, gfp);
    }

    @Override
    public void free(int cpu, long pfn, int order) {
      pages.free(cpu, pfn, order);
    }
  }, SlabSensitivity.RECLAIMABLE, new SlabStats(metrics));

  private long m(io.asisim.api.metrics.MetricDescriptor d) {
    return metrics.get(d.name());
  }

  private static final io.asisim.api.metrics.MetricDescriptor NEW = SlabMetrics.SLABS_NEW;
  private static final io.asisim.api.metrics.MetricDescriptor FREED = SlabMetrics.SLABS_FREED;
  private static final io.asisim.api.metrics.MetricDescriptor PAGES = SlabMetrics.SLAB_PAGES;

  @Test
  void aFullCpuSlabIsDroppedAFreeToItGoesToThePerCpuListAndShrinkFreesTheEmptyOne() {
    // 256 bytes, 2 CPUs: order 0, 16 objects, min_partial 5, cpu_partial 52 objects = 7 slabs
    int c = slub.cache("kmalloc-256", 256, false, false);
    assertThat(slub.caches().get(c).geometry()).isEqualTo(new SlabGeometry(256, 0, 16, 0, 5, 52, 7));
    int[] first = new int[16];
    for (int i = 0; i < 16; i++) {
      first[i] = slub.alloc(0, c, Gfp.GFP_KERNEL);
    }
    assertThat(first).containsOnly(first[0]);
    assertThat(m(NEW)).isEqualTo(1);
    int second = slub.alloc(0, c, Gfp.GFP_KERNEL); // the CPU slab is full: a new one
    assertThat(second).isNotEqualTo(first[0]);
    assertThat(m(NEW)).isEqualTo(2);
    assertThat(m(PAGES)).isEqualTo(2);
    assertThat(slub.inuse(first[0])).isEqualTo(16);
    assertThat(slub.pfnOf(first[0])).isEqualTo(1000);
    assertThat(slub.pfnOf(second)).isEqualTo(1001);
    for (int s : first) {
      slub.free(0, s); // the first free puts the full slab on CPU 0's partial list; the rest only count
    }
    assertThat(slub.inuse(first[0])).isZero();
    assertThat(m(FREED)).isZero(); // an empty slab on a per-CPU list waits for a flush
    assertThat(slub.inconsistency()).isNull();
    int again = slub.alloc(0, c, Gfp.GFP_KERNEL); // the active slab (second) still has room
    assertThat(again).isEqualTo(second);
    slub.free(0, again);
    slub.shrinkAll(0);
    assertThat(metrics.get("slab_pages_max")).isEqualTo(2);
    assertThat(m(FREED)).isEqualTo(1);
    assertThat(m(PAGES)).isEqualTo(1);
    assertThat(pages.held).isEqualTo(1);
    assertThat(slub.inconsistency()).isNull();
  }

  @Test
  void aFullActiveSlabTakesTheFirstSlabOfTheCpuListBeforeANewOne() {
    int c = slub.cache("kmalloc-256", 256, false, false);
    int[] first = new int[16];
    for (int i = 0; i < 16; i++) {
      first[i] = slub.alloc(0, c, Gfp.GFP_KERNEL);
    }
    assertThat(first[0]).isZero(); // the first slab id: the lists' heads may be 0
    int second = slub.alloc(0, c, Gfp.GFP_KERNEL);
    slub.free(0, first[3]); // the full first slab goes to CPU 0's list
    for (int i = 1; i < 16; i++) {
      assertThat(slub.alloc(0, c, Gfp.GFP_KERNEL)).isEqualTo(second);
    }
    assertThat(slub.alloc(0, c, Gfp.GFP_KERNEL)).isEqualTo(first[0]); // from c->partial, no new slab
    assertThat(m(NEW)).isEqualTo(2);
    assertThat(slub.inconsistency()).isNull();
  }

  @Test
  void aFullActiveSlabTakesTheNodesFirstSlabWhenItsCpuListIsEmpty() {
    int c = slub.cache("kmalloc-256", 256, false, false);
    int[][] objs = new int[9][16];
    for (int s = 0; s < 9; s++) {
      for (int i = 0; i < 16; i++) {
        objs[s][i] = slub.alloc(0, c, Gfp.GFP_KERNEL);
      }
    }
    assertThat(objs[0][0]).isZero();
    // on CPU 1, slabs 6..0: its list is LIFO, so 0 is its head; the 8th full slab's free flushes the
    // list to the node's tail from its head (__put_partials()): 0 heads the node's list
    for (int s = 6; s >= 0; s--) {
      slub.free(1, objs[s][0]);
    }
    slub.free(1, objs[7][0]);
    assertThat(slub.caches().get(c).partialSlabs()).isEqualTo(7);
    assertThat(slub.alloc(0, c, Gfp.GFP_KERNEL)).isZero(); // the node's head, slab 0, becomes CPU 0's slab
    assertThat(m(NEW)).isEqualTo(9);
  }

  @Test
  void shrinkLeavesAFullActiveSlabOnNoList() {
    int c = slub.cache("kmalloc-256", 256, false, false);
    for (int i = 0; i < 16; i++) {
      slub.alloc(0, c, Gfp.GFP_KERNEL);
    }
    slub.shrinkAll(0);
    assertThat(slub.caches().get(c).partialSlabs()).isZero();
    assertThat(slub.inconsistency()).isNull();
    assertThat(m(PAGES)).isEqualTo(1);
  }

  @Test
  void aFlushFreesEmptySlabsOnTheFreeingCpuWhileTheNodeKeepsMinPartial() {
    List<Integer> freeCpus = new ArrayList<>();
    Slub s = new Slub(2, new SlabPages() {
      long next = 100;

      @Override
      public long alloc(int cpu, int order, int gfp) {
        return next++;
      }

      @Override
      public void free(int cpu, long pfn, int order) {
        freeCpus.add(cpu);
      }
    }, SlabSensitivity.NONE, new SlabStats(metrics));
    int c = s.cache("kmalloc-256", 256, false, false);
    int[][] objs = new int[20][16];
    for (int k = 0; k < 20; k++) {
      for (int i = 0; i < 16; i++) {
        objs[k][i] = s.alloc(0, c, Gfp.GFP_KERNEL);
      }
    }
    // slabs 0..4 to CPU 1's list and on to the node (5 = min_partial) by a flush; those 5 stay
    for (int k = 0; k < 7; k++) {
      s.free(1, objs[k][0]);
    }
    s.free(1, objs[7][0]); // flush: 7 slabs to the node, none empty
    assertThat(s.caches().get(c).partialSlabs()).isEqualTo(7);
    // empty the slabs on CPU 1's list (7 now, and the next six): a flush then discards them
    for (int k = 8; k < 14; k++) {
      s.free(1, objs[k][0]);
    }
    for (int k = 7; k < 14; k++) {
      for (int i = 1; i < 16; i++) {
        s.free(1, objs[k][i]);
      }
    }
    s.free(1, objs[14][0]); // CPU 1's list holds 7 (all empty): flushed, each freed as the node keeps 7 >= 5
    assertThat(freeCpus).hasSize(7).containsOnly(1);
    assertThat(s.caches().get(c).partialSlabs()).isEqualTo(7);
    assertThat(s.inconsistency()).isNull();
  }

  @Test
  void theNodeKeepsMinPartialEmptySlabsAndFreesTheRest() {
    int c = slub.cache("kmalloc-256", 256, false, false);
    // 9 full slabs on CPU 0 (the 9th is the active one)
    int[][] objs = new int[9][16];
    for (int s = 0; s < 9; s++) {
      for (int i = 0; i < 16; i++) {
        objs[s][i] = slub.alloc(0, c, Gfp.GFP_KERNEL);
      }
    }
    assertThat(m(NEW)).isEqualTo(9);
    // one free in each of slabs 0..7 (full, on no list): 7 fill CPU 0's partial list; the 8th
    // finds it full and flushes those 7 to the node first (none empty)
    for (int s = 0; s < 8; s++) {
      slub.free(0, objs[s][0]);
    }
    assertThat(slub.caches().get(c).partialSlabs()).isEqualTo(7);
    // empty slabs 0..6, now on the node: each one that empties is freed while the node keeps
    // min_partial (5) slabs counting it: 7, 6 and 5 on the list -> three freed, four kept
    for (int s = 0; s < 7; s++) {
      for (int i = 1; i < 16; i++) {
        slub.free(0, objs[s][i]);
      }
    }
    assertThat(m(FREED)).isEqualTo(3);
    assertThat(slub.caches().get(c).partialSlabs()).isEqualTo(4);
    assertThat(m(PAGES)).isEqualTo(6);
    assertThat(slub.inconsistency()).isNull();
  }

  @Test
  void getPartialNodeMovesMoreThanHalfTheCpuListAndTheRestStaysOnTheNode() {
    int c = slub.cache("kmalloc-256", 256, false, false);
    int[][] objs = new int[10][16];
    for (int s = 0; s < 10; s++) {
      for (int i = 0; i < 16; i++) {
        objs[s][i] = slub.alloc(0, c, Gfp.GFP_KERNEL);
      }
    }
    for (int s = 0; s < 9; s++) {
      slub.free(1, objs[s][0]); // on CPU 1: 7 to its list, then a flush of 7 to the node, then 2 more
    }
    assertThat(slub.caches().get(c).partialSlabs()).isEqualTo(7);
    // CPU 0's slab is full and its list empty: get_partial_node() takes the first node slab as
    // active and moves slabs to CPU 0's list until it holds more than 7 / 2 = 3: four
    slub.alloc(0, c, Gfp.GFP_KERNEL);
    assertThat(slub.caches().get(c).partialSlabs()).isEqualTo(2);
    assertThat(m(NEW)).isEqualTo(10);
    assertThat(slub.inconsistency()).isNull();
  }

  @Test
  void slabPagesCarryTheCachesFlagsAndNotTheCallersHardwall() {
    int d = slub.cache("dentry", 192, true, false);
    int n = slub.cache("names_cache", 4096, false, false);
    slub.alloc(0, d, Gfp.GFP_KERNEL | Gfp.__GFP_HARDWALL | Gfp.__GFP_ZERO | Gfp.__GFP_ACCOUNT);
    slub.alloc(0, n, Gfp.GFP_KERNEL);
    // dentry: reclaimable, so sensitive under the ASI series' rule; order 0, no __GFP_COMP
    assertThat(gfps.get(0)).isEqualTo(Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN | Gfp.__GFP_NORETRY | Gfp.__GFP_RECLAIMABLE
        | Gfp.__GFP_SENSITIVE);
    // names_cache: order 3 above its minimum order 0, so the first try has no direct reclaim
    assertThat(gfps.get(1)).isEqualTo((Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN | Gfp.__GFP_NORETRY | Gfp.__GFP_NOMEMALLOC
        | Gfp.__GFP_COMP) & ~Gfp.__GFP_RECLAIM);
    assertThat(slub.caches().get(d).allocflags()).isEqualTo(Gfp.__GFP_RECLAIMABLE | Gfp.__GFP_SENSITIVE);
    assertThat(slub.caches().get(d).reclaimable()).isTrue();
    assertThat(slub.cache("dentry", 192, true, false)).isEqualTo(d); // kmem_cache_create() once per name
    assertThat(slub.cache("names_cache", 4096, false, false)).isEqualTo(n).isEqualTo(1);
    assertThat(metrics.get("nr_slab_reclaimable")).isEqualTo(1);
    assertThat(metrics.get("nr_slab_unreclaimable")).isEqualTo(8);
  }

  @Test
  void aCallerThatCannotReclaimKeepsItsFlagsOnTheFirstTry() {
    int n = slub.cache("names_cache", 4096, false, false);
    slub.alloc(0, n, Gfp.GFP_ATOMIC);
    assertThat(gfps.get(0)).isEqualTo(Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN | Gfp.__GFP_NORETRY | Gfp.__GFP_COMP);
  }

  @Test
  void theFallbackOfAMultiPageObjectKeepsCompAndAnOrderZeroCacheTriesOnce() {
    List<Integer> orders = new ArrayList<>();
    List<Integer> flags = new ArrayList<>();
    Slub s = new Slub(2, upTo(2, orders, flags), SlabSensitivity.NONE, new SlabStats(metrics));
    s.alloc(0, s.cache("big", 12288, false, false), Gfp.GFP_KERNEL);
    assertThat(orders).containsExactly(3, 2);
    assertThat(flags.get(1)).isEqualTo(Gfp.GFP_KERNEL | Gfp.__GFP_COMP);
    orders.clear();
    Slub z = new Slub(2, upTo(-1, orders, flags), SlabSensitivity.NONE, new SlabStats(metrics));
    assertThat(z.alloc(0, z.cache("dentry", 192, true, false), Gfp.GFP_KERNEL)).isEqualTo(-1);
    assertThat(orders).containsExactly(0); // order 0 is the minimum: no second try
  }

  /** Pages of order {@code maxOrder} or less (frame 7), none above; records each request's order and flags. */
  private static SlabPages upTo(int maxOrder, List<Integer> orders, List<Integer> flags) {
    return new SlabPages() {
      @Override
      public long alloc(int cpu, int order, int gfp) {
        orders.add(order);
        flags.add(gfp);
        return order > maxOrder ? -1 : 7;
      }

      @Override
      public void free(int cpu, long pfn, int order) {}
    };
  }

  @Test
  void aFailedOrderFallsBackToTheMinimumOrderAndThenFails() {
    List<Integer> orders = new ArrayList<>();
    List<Integer> flags = new ArrayList<>();
    Slub s = new Slub(2, upTo(0, orders, flags), SlabSensitivity.NONE, new SlabStats(metrics));
    int c = s.cache("names_cache", 4096, false, false);
    assertThat(s.alloc(0, c, Gfp.GFP_KERNEL)).isGreaterThanOrEqualTo(0);
    assertThat(orders).containsExactly(3, 0);
    assertThat(flags.get(1)).isEqualTo(Gfp.GFP_KERNEL); // the caller's flags, no __GFP_COMP at order 0
    assertThat(metrics.get("slab_order_fallbacks")).isEqualTo(1);
    Slub none = new Slub(2, upTo(-1, new ArrayList<>(), new ArrayList<>()), SlabSensitivity.NONE, new SlabStats(metrics));
    assertThat(none.alloc(0, none.cache("x", 64, false, false), Gfp.GFP_KERNEL)).isEqualTo(-1);
    assertThat(metrics.get("slab_alloc_failures")).isEqualTo(1);
  }

  /** A slab of the fallback order holds what its pages hold (slab->objects), not the cache's full count. */
  @Test
  void aFallbackSlabFillsAtItsOwnRoom() {
    List<Integer> orders = new ArrayList<>();
    Slub s = new Slub(2, upTo(0, orders, new ArrayList<>()), SlabSensitivity.NONE, new SlabStats(metrics));
    int c = s.cache("names_cache", 4096, false, false); // order 3: 8 objects; order 0: 1
    int a = s.alloc(0, c, Gfp.GFP_KERNEL);
    int b = s.alloc(0, c, Gfp.GFP_KERNEL);
    assertThat(b).as("the order-0 slab is full after one object").isNotEqualTo(a);
    assertThat(orders).containsExactly(3, 0, 3, 0);
    assertThat(s.inuse(a)).isEqualTo(1);
    assertThat(s.inconsistency()).isNull();
    s.free(0, a);
    s.shrinkAll(0);
    assertThat(s.inconsistency()).isNull();
  }

  @Test
  void aFreeOfASlabWithNothingAllocatedIsRefused() {
    int c = slub.cache("kmalloc-64", 64, false, false);
    int s = slub.alloc(0, c, Gfp.GFP_KERNEL);
    slub.free(0, s);
    assertThatThrownBy(() -> slub.free(0, s)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void randomTrafficKeepsListsCountsAndPagesConsistentAndShrinkGivesEveryPageBack() {
    SplittableRandom r = new SplittableRandom(12);
    int[] caches = {slub.cache("kmalloc-64", 64, false, false), slub.cache("dentry", 192, true, false),
        slub.cache("radix_tree_node", 584, true, false), slub.cache("names_cache", 4096, false, false)};
    List<Integer> live = new ArrayList<>();
    for (int step = 0; step < 200_000; step++) {
      int cpu = r.nextInt(2);
      boolean growing = (step / 25_000) % 2 == 0; // phases of growth and of drain, as a cache shrinks
      if (live.isEmpty() || r.nextInt(100) < (growing ? 80 : 15)) {
        live.add(slub.alloc(cpu, caches[r.nextInt(caches.length)], Gfp.GFP_KERNEL));
      } else {
        int i = r.nextInt(live.size());
        slub.free(cpu, live.get(i));
        live.set(i, live.get(live.size() - 1));
        live.remove(live.size() - 1);
      }
      if (step % 10_000 == 0) {
        assertThat(slub.inconsistency()).as("step %d", step).isNull();
        assertThat(metrics.get("slab_pages")).isEqualTo(pages.held);
      }
    }
    assertThat(metrics.get("slabs_freed")).isPositive();
    for (int s : live) {
      slub.free(0, s);
    }
    slub.shrinkAll(0);
    assertThat(slub.inconsistency()).isNull();
    assertThat(pages.held).isZero();
    assertThat(metrics.get("slab_pages")).isZero();
    assertThat(metrics.get("slab_allocs")).isEqualTo(metrics.get("slab_frees"));
  }
}
