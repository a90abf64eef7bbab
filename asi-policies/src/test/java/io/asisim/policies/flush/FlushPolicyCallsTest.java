package io.asisim.policies.flush;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact TLB calls each policy issues for hand-written event sequences. */
class FlushPolicyCallsTest {
  private static final long MM = 1;
  private static final long SLOT0 = AddressSpaces.MM_LOCAL_START; // cpu 0's ephmap slot
  private static final long SLOT1 = AddressSpaces.MM_LOCAL_START + 0x2000; // cpu 1's (2 slots per cpu)
  private static final long KVA = AddressSpaces.VMALLOC_START + 0x4000;

  @Test
  void localDefersTheInvlpgToReuseAndNeverLeavesTheCpu() {
    RecordingTlb tlb = new RecordingTlb(2);
    LocalFlushPolicy p = new LocalFlushPolicy(tlb, 2, false);
    p.onTransientMap(0, MM, SLOT0, 100);
    p.onTransientUnmap(0, MM, SLOT0, 100);
    p.onAccessLost(1, MM, 100);
    assertThat(tlb.calls).isEmpty();
    p.beforeReuse(0, MM, SLOT0);
    p.beforeReuse(0, MM, SLOT0); // nothing cached any more: no second flush
    p.onTransientMap(0, MM, KVA, 101);
    p.onTransientUnmap(0, MM, KVA, 101);
    p.beforeReuse(0, MM, KVA);
    assertThat(tlb.calls).containsExactly("flushOneMmLocal cpu0 ffff880000000000", "flushOne cpu0 ffffc90000004000");
  }

  @Test
  void localAtReleaseIsThePostedEphmapPut() {
    RecordingTlb tlb = new RecordingTlb(2);
    LocalFlushPolicy p = new LocalFlushPolicy(tlb, 2, true);
    p.onTransientMap(0, MM, SLOT0, 100);
    p.onTransientUnmap(0, MM, SLOT0, 100);
    p.beforeReuse(0, MM, SLOT0);
    assertThat(tlb.calls).containsExactly("flushOneMmLocal cpu0 ffff880000000000"); // ephmap_put()'s INVLPG: see TransientFlush.local
    List<Long> pending = new ArrayList<>();
    p.forEachPending((cpu, mm, va, pfn, live) -> pending.add(pfn));
    assertThat(pending).isEmpty();
  }

  @Test
  void mmGlobalAggregatesAndSkipsFramesWithNothingQueued() {
    RecordingTlb tlb = new RecordingTlb(2);
    tlb.cpumask[1].set(0);
    tlb.cpumask[1].set(1);
    tlb.cpumask[1].set(3);
    MmGlobalFlushPolicy p = new MmGlobalFlushPolicy(tlb, 4);
    p.onAccessLost(0, MM, 100);
    assertThat(tlb.calls).as("nothing queued: no IPI").isEmpty();
    p.onTransientMap(0, MM, SLOT0, 100);
    p.onTransientUnmap(0, MM, SLOT0, 100);
    p.onTransientMap(1, MM, SLOT1, 200);
    p.onTransientUnmap(1, MM, SLOT1, 200);
    p.onAccessLost(2, MM, 200);
    p.onAccessLost(2, MM, 100); // flushed with the first: nothing left
    p.onMmExit(2, MM);
    // both queued slots in one range [SLOT0, SLOT1] = 3 pages, to cpumask {0,1,3} plus the caller 2
    assertThat(tlb.calls).containsExactly("shootdown from cpu2 to {0-3} mm 1 ffff880000000000 x3");
  }

  @Test
  void preciseTargetsOnlyTheCpusThatUsedTheFrame() {
    RecordingTlb tlb = new RecordingTlb(2);
    PreciseFlushPolicy p = new PreciseFlushPolicy(tlb, 4);
    p.onTransientMap(0, MM, SLOT0, 100);
    p.onTransientUnmap(0, MM, SLOT0, 100);
    p.onTransientMap(1, MM, SLOT1, 200);
    p.onTransientUnmap(1, MM, SLOT1, 200);
    p.onTransientMap(3, 2, KVA, 100); // another mm's alias of the same frame: not this mm's business
    p.onAccessLost(2, MM, 100);
    p.onAccessLost(2, MM, 100);
    List<String> pending = new ArrayList<>();
    p.forEachPending((cpu, mm, va, pfn, live) -> pending.add(cpu + ":" + pfn));
    assertThat(tlb.calls).containsExactly("shootdown from cpu2 to {0} mm 1 ffff880000000000 x1");
    assertThat(pending).containsExactly("1:200"); // the live alias on cpu 3 is not pending
  }

  @Test
  void eagerGlobalShootsDownEveryUnmap() {
    RecordingTlb tlb = new RecordingTlb(2);
    EagerGlobalFlushPolicy p = new EagerGlobalFlushPolicy(tlb, 3);
    p.onTransientUnmap(1, MM, SLOT1, 200);
    p.onTransientUnmap(1, MM, KVA, 201);
    assertThat(tlb.calls).containsExactly(
        "shootdown from cpu1 to {0-2} mm 1 ffff880000002000 x1",
        "shootdown from cpu1 to {0-2} mm -1 ffffc90000004000 x1");
  }

  @Test
  void globalAndFullFlushesRetireRecords() {
    RecordingTlb tlb = new RecordingTlb(2);
    PreciseFlushPolicy p = new PreciseFlushPolicy(tlb, 2);
    p.onTransientMap(0, MM, KVA, 100);
    p.onTransientUnmap(0, MM, KVA, 100);
    p.onGlobalFlush(0, KVA, 1);
    p.onTransientMap(1, MM, SLOT1, 200);
    p.onTransientUnmap(1, MM, SLOT1, 200);
    p.onLocalFullFlush(1);
    p.onAccessLost(0, MM, 100);
    p.onAccessLost(0, MM, 200);
    assertThat(tlb.calls).isEmpty();
  }

  @Test
  void flushesDoNotRetireLiveAliases() {
    // cpu 1 maps KVA (a mermap/vmalloc alias of frame 100); while it is live its window wraps (a
    // local full flush) and a purge flushes its range globally; the next access caches it again,
    // so once released and access is lost cpu 1 must still be flushed: one IPI, one page
    RecordingTlb tlb = new RecordingTlb(2);
    PreciseFlushPolicy p = new PreciseFlushPolicy(tlb, 2);
    p.onTransientMap(1, MM, KVA, 100);
    p.onLocalFullFlush(1);
    p.onGlobalFlush(0, KVA, 1);
    p.onTransientUnmap(1, MM, KVA, 100);
    p.onAccessLost(0, MM, 100);
    assertThat(tlb.calls).containsExactly("shootdown from cpu0 to {1} mm -1 ffffc90000004000 x1");
    // released and flushed: the next full flush retires it
    p.onLocalFullFlush(1);
    tlb.calls.clear();
    p.onAccessLost(0, MM, 100);
    assertThat(tlb.calls).isEmpty();
  }

  @Test
  void localReuseAfterAFullFlushOfALiveSlotStillFlushes() {
    // the slot was live across the full flush and cached again: reusing it needs the flush
    RecordingTlb tlb = new RecordingTlb(2);
    LocalFlushPolicy p = new LocalFlushPolicy(tlb, 2, false);
    p.onTransientMap(0, MM, SLOT0, 100);
    p.onLocalFullFlush(0);
    p.onTransientUnmap(0, MM, SLOT0, 100);
    p.beforeReuse(0, MM, SLOT0);
    assertThat(tlb.calls).containsExactly("flushOneMmLocal cpu0 ffff880000000000");
  }
}
