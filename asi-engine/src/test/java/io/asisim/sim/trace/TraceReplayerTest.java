package io.asisim.sim.trace;

import static io.asisim.sim.trace.Traces.alloc;
import static io.asisim.sim.trace.Traces.batched;
import static io.asisim.sim.trace.Traces.free;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The remapping rules on hand-made traces with exact counts, against {@link RefKernel} (a bitmap
 * first-fit allocator that fails the test on any free of a block it did not hand out), a
 * randomized check against a simple reference model, and the whole shared capture.
 */
class TraceReplayerTest {
  private final Metrics metrics = new Metrics();

  private RefKernel replay(ParsedTrace t, RefKernel k) {
    TraceReplayer r = new TraceReplayer(t, metrics);
    for (int i = 0; i < t.size(); i++) {
      r.replay(k, i);
    }
    return k;
  }

  @Test
  void allocationsGetSimulatedPagesOfTheSameOrderAndGfp() {
    RefKernel k = new RefKernel(64, 2);
    k.record = true;
    ParsedTrace t = Traces.perf(
        alloc(0, 0x12079e, 0, "GFP_HIGHUSER|__GFP_ACCOUNT"),
        alloc(1, 0x14b33c, 2, "GFP_KERNEL"),
        free(1, 0x12079e, 0));
    replay(t, k);
    // first fit: the order-0 page at 0, the order-2 block at the next aligned free 4 frames (4..7)
    assertThat(k.calls).containsExactly(
        "alloc cpu0 order0 gfp=0x" + Integer.toHexString(Gfp.GFP_HIGHUSER | Gfp.__GFP_ACCOUNT) + " -> 0",
        "alloc cpu1 order2 gfp=0x" + Integer.toHexString(Gfp.GFP_KERNEL) + " -> 4",
        "free cpu1 0 order0");
    assertThat(metrics.get("trace_events")).isEqualTo(3);
    assertThat(metrics.get("trace_events.mm_page_alloc")).isEqualTo(2);
    assertThat(metrics.get("trace_events.mm_page_free")).isEqualTo(1);
    assertThat(metrics.get("trace_unmatched_frees")).isZero();
  }

  @Test
  void freesOfPagesAllocatedBeforeTheCaptureAreUnmatched() {
    RefKernel k = replay(Traces.perf(
        free(0, 0x500, 0), // allocated before the capture
        alloc(0, 0x600, 0, "GFP_KERNEL"),
        free(0, 0x601, 0), // never allocated in the trace
        free(0, 0x600, 0),
        free(0, 0x600, 0)), // second free of the same pfn: nothing live any more
        new RefKernel(16, 1));
    // 3 unmatched frees (0x500, 0x601, the second 0x600); the one matched free reached the allocator
    assertThat(metrics.get("trace_unmatched_frees")).isEqualTo(3);
    assertThat(k.frees).isEqualTo(1);
    assertThat(k.freePages()).isEqualTo(16);
  }

  @Test
  void higherOrderBlocksFreeOnlyThroughTheirHead() {
    RefKernel k = new RefKernel(64, 1);
    k.record = true;
    replay(Traces.perf(
        alloc(0, 0x1000, 2, "GFP_KERNEL"), // sim block 0..3
        free(0, 0x1001, 0), // a tail: not replayed, unmatched
        free(0, 0x1003, 0), // another tail
        free(0, 0x1000, 0), // the head with another order: the whole order-2 block goes
        free(0, 0x1002, 0)), // block gone: a plain unmatched free, not a tail
        k);
    assertThat(metrics.get("trace_tail_frees")).isEqualTo(2);
    assertThat(metrics.get("trace_unmatched_frees")).isEqualTo(3);
    assertThat(metrics.get("trace_order_mismatches")).isEqualTo(1);
    assertThat(k.calls).containsExactly("alloc cpu0 order2 gfp=0x" + Integer.toHexString(Gfp.GFP_KERNEL) + " -> 0",
        "free cpu0 0 order2");
  }

  @Test
  void traceCpusMapOntoSimulatedCpusModuloTheirCount() {
    List<String> lines = new ArrayList<>();
    for (int cpu = 0; cpu < 6; cpu++) {
      lines.add(alloc(cpu, 0x100 + cpu, 0, "GFP_KERNEL"));
    }
    RefKernel k = new RefKernel(64, 4);
    k.record = true;
    replay(Traces.perf(lines.toArray(new String[0])), k);
    // trace cpus 0..5 on 4 simulated cpus: 0,1,2,3,0,1
    assertThat(k.calls).extracting(c -> c.substring(0, 10)).containsExactly(
        "alloc cpu0", "alloc cpu1", "alloc cpu2", "alloc cpu3", "alloc cpu0", "alloc cpu1");
  }

  @Test
  void batchedFreesDuplicateTheirMmPageFree() {
    // free_unref_folios(): mm_page_free from free_pages_prepare(), then mm_page_free_batched
    RefKernel k = replay(Traces.perf(
        alloc(0, 0x10, 0, "GFP_KERNEL"),
        alloc(0, 0x11, 0, "GFP_KERNEL"),
        free(0, 0x10, 0),
        batched(0, 0x10), // duplicate of the line above
        batched(0, 0x11), // its mm_page_free was lost: the batched event frees it
        batched(0, 0x12)), // allocated before the capture: its mm_page_free was unmatched, this is a duplicate
        new RefKernel(16, 1));
    assertThat(metrics.get("trace_batched_duplicates")).isEqualTo(2);
    assertThat(metrics.get("trace_unmatched_frees")).isZero();
    assertThat(k.frees).isEqualTo(2);
    assertThat(metrics.get("trace_events.mm_page_free_batched")).isEqualTo(3);
  }

  @Test
  void withoutMmPageFreeEventsBatchedFreesFreeOrAreUnmatched() {
    RefKernel k = replay(Traces.perf(
        alloc(0, 0x10, 0, "GFP_KERNEL"),
        batched(0, 0x10),
        batched(0, 0x20)),
        new RefKernel(16, 1));
    assertThat(k.frees).isEqualTo(1);
    assertThat(metrics.get("trace_unmatched_frees")).isEqualTo(1);
    assertThat(metrics.get("trace_batched_duplicates")).isZero();
  }

  @Test
  void allocatingOverALiveBlockFreesTheStaleOneFirst() {
    RefKernel k = new RefKernel(64, 1);
    k.record = true;
    replay(Traces.perf(
        alloc(0, 0x40, 0, "GFP_KERNEL"), // sim 0
        alloc(0, 0x40, 0, "GFP_KERNEL"), // same pfn again: the free of the first was lost
        alloc(0, 0x81, 0, "GFP_KERNEL"), // sim 0 was freed and reused... (see calls)
        alloc(0, 0x80, 1, "GFP_KERNEL"), // covers the live 0x81
        alloc(0, 0x82, 0, "GFP_KERNEL"), // outside 0x80..0x81
        alloc(0, 0x83, 0, "GFP_KERNEL"),
        alloc(0, 0x80, 2, "GFP_KERNEL")), // covers the live order-1 block at 0x80 and 0x82, 0x83
        k);
    assertThat(metrics.get("trace_lost_frees")).isEqualTo(1 + 1 + 3);
    String g = "gfp=0x" + Integer.toHexString(Gfp.GFP_KERNEL);
    assertThat(k.calls).containsExactly(
        "alloc cpu0 order0 " + g + " -> 0",
        "free cpu0 0 order0", "alloc cpu0 order0 " + g + " -> 0",
        "alloc cpu0 order0 " + g + " -> 1",
        "free cpu0 1 order0", "alloc cpu0 order1 " + g + " -> 2",
        "alloc cpu0 order0 " + g + " -> 1",
        "alloc cpu0 order0 " + g + " -> 4",
        "free cpu0 2 order1", "free cpu0 1 order0", "free cpu0 4 order0", "alloc cpu0 order2 " + g + " -> 4");
  }

  @Test
  void allocationsThatFailedInTheTracedKernelAreNotReplayed() {
    RefKernel k = replay(Traces.perf(
        "            perf  6291 [001]   298.507100:         kmem:mm_page_alloc: page=(nil) pfn=0x0 order=9 "
            + "migratetype=1 gfp_flags=GFP_TRANSHUGE"),
        new RefKernel(1024, 2));
    assertThat(metrics.get("trace_traced_alloc_failures")).isEqualTo(1);
    assertThat(k.allocs).isZero();
  }

  @Test
  void simulatedAllocationFailuresAreRememberedSoTheirFreesAreDropped() {
    RefKernel k = new RefKernel(4, 1);
    TraceReplayer r = new TraceReplayer(Traces.perf(
        alloc(0, 0x100, 2, "GFP_KERNEL"), // takes all 4 frames
        alloc(0, 0x200, 0, "GFP_KERNEL"), // fails in the simulation
        free(0, 0x200, 0), // matched in the trace: not unmatched, nothing to free
        free(0, 0x100, 2)), metrics);
    for (int i = 0; i < 4; i++) {
      r.replay(k, i);
    }
    assertThat(k.failures).isEqualTo(1);
    assertThat(k.frees).isEqualTo(1);
    assertThat(metrics.get("trace_unmatched_frees")).isZero();
    assertThat(r.liveBlocks()).isZero();
  }

  @Test
  void releaseAllFreesWhatTheTraceLeftAllocated() {
    RefKernel k = new RefKernel(4096, 2);
    TraceReplayer r = new TraceReplayer(Traces.perf(
        alloc(0, 0x1000, 3, "GFP_KERNEL"), alloc(1, 0x2000, 0, "GFP_KERNEL"), alloc(1, 0x3000, 0, "GFP_KERNEL"),
        free(1, 0x2000, 0)), metrics);
    for (int i = 0; i < 4; i++) {
      r.replay(k, i);
    }
    assertThat(k.freePages()).isEqualTo(4096 - 8 - 1);
    assertThat(metrics.get("trace_live_blocks_at_end")).isEqualTo(2);
    r.releaseAll(k);
    assertThat(k.freePages()).isEqualTo(4096);
    assertThat(metrics.get("trace_live_blocks_at_end")).isZero();
    assertThat(r.liveBlocks()).isZero();
  }

  /**
   * Randomized: a trace-side buddy model emits consistent and inconsistent events (frees of
   * unknown pfns, tails, lost frees); the replayer against RefKernel must agree with a simple
   * HashMap-per-frame reference model on every counter, and the simulated memory in use must equal
   * the reference's live frames after every event.
   */
  @Test
  void randomTracesAgreeWithAReferenceModel() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      List<String> lines = new ArrayList<>();
      List<long[]> liveTrace = new ArrayList<>();
      long next = 0x1000;
      for (int i = 0; i < 600; i++) {
        int dice = rnd.nextInt(100);
        if (dice < 45 || liveTrace.isEmpty()) {
          int order = rnd.nextInt(10) < 8 ? 0 : rnd.nextInt(4);
          long pfn;
          if (rnd.nextInt(20) == 0 && !liveTrace.isEmpty()) {
            long[] b = liveTrace.get(rnd.nextInt(liveTrace.size())); // over a live block: lost free
            pfn = b[0] & -(1L << order);
          } else {
            next = (next + (1L << order) - 1) & -(1L << order);
            pfn = next;
            next += 1L << order;
          }
          lines.add(alloc(rnd.nextInt(8), pfn, order, "GFP_KERNEL"));
          liveTrace.add(new long[] {pfn, order});
        } else if (dice < 85) {
          long[] b = liveTrace.remove(rnd.nextInt(liveTrace.size()));
          lines.add(free(rnd.nextInt(8), b[0], (int) b[1]));
        } else if (dice < 92) {
          lines.add(free(0, 0x100000 + rnd.nextInt(64), 0)); // never allocated
        } else {
          long[] b = liveTrace.get(rnd.nextInt(liveTrace.size()));
          lines.add(free(0, b[0] + (b[1] > 0 ? 1 : 0), 0)); // a tail of a higher-order block, or a head
        }
      }
      ParsedTrace t = Traces.perf(lines.toArray(new String[0]));
      Metrics m = new Metrics();
      TraceReplayer r = new TraceReplayer(t, m);
      RefKernel k = new RefKernel(1 << 16, 3);
      Reference ref = new Reference();
      for (int i = 0; i < t.size(); i++) {
        r.replay(k, i);
        ref.replay(t, i);
        assertThat(k.totalPages() - k.freePages()).as("seed %d event %d", seed, i).isEqualTo(ref.owner.size());
      }
      assertThat(m.get("trace_unmatched_frees")).as("seed %d", seed).isEqualTo(ref.unmatched);
      assertThat(m.get("trace_tail_frees")).as("seed %d", seed).isEqualTo(ref.tails);
      assertThat(m.get("trace_lost_frees")).as("seed %d", seed).isEqualTo(ref.lost);
      assertThat(m.get("trace_order_mismatches")).as("seed %d", seed).isEqualTo(ref.mismatches);
      r.releaseAll(k);
      assertThat(k.freePages()).isEqualTo(k.totalPages());
    }
  }

  /** The replay rules written the slow, obvious way: every trace frame maps to its block's head. */
  private static final class Reference {
    final Map<Long, Long> owner = new HashMap<>();
    final Map<Long, Integer> live = new HashMap<>();
    long unmatched;
    long tails;
    long lost;
    long mismatches;

    void replay(ParsedTrace t, int i) {
      long pfn = t.pfn(i);
      int order = t.order(i);
      if (t.isAlloc(i)) {
        java.util.TreeSet<Long> heads = new java.util.TreeSet<>();
        for (long f = pfn; f < pfn + (1L << order); f++) {
          if (owner.containsKey(f)) {
            heads.add(owner.get(f));
          }
        }
        for (long h : heads) {
          release(h);
          lost++;
        }
        live.put(pfn, order);
        for (long f = pfn; f < pfn + (1L << order); f++) {
          owner.put(f, pfn);
        }
      } else if (live.containsKey(pfn)) {
        if (live.get(pfn) != order) {
          mismatches++;
        }
        release(pfn);
      } else if (owner.containsKey(pfn)) {
        tails++;
        unmatched++;
      } else {
        unmatched++;
      }
    }

    void release(long head) {
      int o = live.remove(head);
      for (long f = head; f < head + (1L << o); f++) {
        owner.remove(f);
      }
    }
  }

  /**
   * The whole shared capture. Expected numbers from an independent Python model of the same rules
   * (a dict from every traced frame to its block): 8397 unmatched frees (pages allocated before
   * the capture), 2 lost frees, no tails, no order mismatches, 15431 blocks live at the end.
   */
  @Test
  void sharedTraceReplaysEveryEvent() {
    ParsedTrace t = TraceLoader.load(Traces.resource("tar-gzip-docs.perf.txt.xz"), "auto", true, 0);
    RefKernel k = new RefKernel(1 << 20, 2);
    TraceReplayer r = new TraceReplayer(t, metrics);
    for (int i = 0; i < t.size(); i++) {
      r.replay(k, i);
    }
    assertThat(metrics.get("trace_events")).isEqualTo(72380);
    assertThat(metrics.get("trace_events.mm_page_alloc")).isEqualTo(39708);
    assertThat(metrics.get("trace_events.mm_page_free")).isEqualTo(32672);
    assertThat(metrics.get("trace_unmatched_frees")).isEqualTo(8397);
    assertThat(metrics.get("trace_lost_frees")).isEqualTo(2);
    assertThat(metrics.get("trace_tail_frees")).isZero();
    assertThat(metrics.get("trace_order_mismatches")).isZero();
    assertThat(r.liveBlocks()).isEqualTo(15431);
    assertThat(k.allocs).isEqualTo(39708);
    assertThat(k.frees).isEqualTo(32672 - 8397 + 2);
    assertThat(metrics.get("trace_live_blocks_at_end")).isEqualTo(15431);
    r.releaseAll(k);
    assertThat(k.freePages()).isEqualTo(k.totalPages());
    assertThat(metrics.get("trace_live_blocks_at_end")).isZero();
  }

  /** Our own captures, counts from the same Python model. */
  @Test
  void ownCapturesReplay() {
    check("cp-docs-6.18.perf.txt.gz", 1854, 258, 389, 285);
    check("ftrace-irqinfo-6.18.txt.xz", 537, 62, 97, 184);
    check("trace-cmd-report-3.1.6.txt.gz", 944, 206, 228, 290);
  }

  private void check(String file, long events, long unmatched, long dups, int liveAtEnd) {
    Metrics m = new Metrics();
    ParsedTrace t = TraceLoader.load(Traces.resource(file), "auto", true, 0);
    TraceReplayer r = new TraceReplayer(t, m);
    RefKernel k = new RefKernel(1 << 16, 4);
    for (int i = 0; i < t.size(); i++) {
      r.replay(k, i);
    }
    assertThat(m.get("trace_events")).as(file).isEqualTo(events);
    assertThat(m.get("trace_unmatched_frees")).as(file).isEqualTo(unmatched);
    assertThat(m.get("trace_batched_duplicates")).as(file).isEqualTo(dups);
    assertThat(m.get("trace_lost_frees")).as(file).isZero();
    assertThat(r.liveBlocks()).as(file).isEqualTo(liveAtEnd);
  }
}
