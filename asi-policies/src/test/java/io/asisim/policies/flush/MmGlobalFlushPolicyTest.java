package io.asisim.policies.flush;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code mm-global}'s queue of released aliases, step by step: which event dequeues which alias,
 * which flush each one costs, and that a flush retires exactly the released records of the CPUs it
 * reached (gaps found by mutation testing, docs/mutation-testing.md).
 */
class MmGlobalFlushPolicyTest {
  private static final long MM = 1;
  private static final long SLOT0 = AddressSpaces.MM_LOCAL_START; // ffff880000000000
  private static final long SLOT1 = AddressSpaces.MM_LOCAL_START + 0x2000; // ffff880000002000
  private static final long KVA = AddressSpaces.VMALLOC_START + 0x4000; // ffffc90000004000

  private final RecordingTlb tlb = new RecordingTlb(2);
  private final MmGlobalFlushPolicy p = new MmGlobalFlushPolicy(tlb, 4);

  private void use(int cpu, long mm, long va, long pfn) {
    p.onTransientMap(cpu, mm, va, pfn);
    p.onTransientUnmap(cpu, mm, va, pfn);
  }

  private List<String> pending() {
    List<String> out = new ArrayList<>();
    p.forEachPending((cpu, mm, va, pfn, live) -> out.add(cpu + ":" + mm + ":" + Long.toHexString(va) + ":" + pfn + ":" + live));
    return out;
  }

  @Test
  void reuseOnTheSameCpuFlushesLocallyOnceAndDequeuesTheAlias() {
    use(0, MM, SLOT0, 100);
    assertThat(pending()).containsExactly("0:1:ffff880000000000:100:false");
    p.beforeReuse(0, MM, SLOT0);
    p.beforeReuse(0, MM, SLOT0); // nothing recorded any more: no second INVLPG
    p.onAccessLost(0, MM, 100); // dequeued by the reuse: no IPI
    assertThat(tlb.calls).containsExactly("flushOneMmLocal cpu0 ffff880000000000");
    assertThat(pending()).isEmpty();
  }

  @Test
  void reuseDequeuesOnlyItsCpusAliasAndForMmLocalSlotsOnlyItsMms() {
    use(0, MM, SLOT0, 100);
    p.beforeReuse(1, MM, SLOT0); // another CPU's slot: nothing of cpu 0's is touched
    p.beforeReuse(0, 0, SLOT0); // the same mm-local VA in another mm is another slot
    assertThat(tlb.calls).isEmpty();
    p.onAccessLost(3, MM, 100); // still queued: mm 1's cpumask is empty, so only the caller
    assertThat(tlb.calls).containsExactly("shootdown from cpu3 to {3} mm 1 ffff880000000000 x1");
    tlb.calls.clear();
    use(0, MM, KVA, 101); // a shared-kernel-area VA is the same slot whatever the mm
    p.beforeReuse(0, 0, KVA);
    p.onAccessLost(0, MM, 101);
    assertThat(tlb.calls).containsExactly("flushOne cpu0 ffffc90000004000");
  }

  @Test
  void onlyTheLossOfAQueuedFrameOfTheMmFlushesAndTheFlushRetiresReleasedRecords() {
    tlb.cpumask[1].set(0);
    tlb.cpumask[1].set(1);
    use(0, MM, SLOT0, 100); // queue index 0
    use(1, MM, SLOT1, 200); // queue index 1
    p.beforeReuse(1, MM, SLOT1); // dequeues index 1 (its stale copy stays past the end)
    p.onTransientMap(1, MM, SLOT1, 300); // live on cpu 1
    p.onAccessLost(2, MM, 200); // frame 200 is no longer queued
    p.onAccessLost(2, 0, 100); // frame 100 is queued for mm 1, not mm 0
    assertThat(tlb.calls).containsExactly("flushOneMmLocal cpu1 ffff880000002000");
    p.onAccessLost(3, MM, 100);
    assertThat(tlb.calls).containsExactly("flushOneMmLocal cpu1 ffff880000002000",
        "shootdown from cpu3 to {0-1,3} mm 1 ffff880000000000 x1");
    tlb.calls.clear();
    p.beforeReuse(0, MM, SLOT0); // released and shot down: retired, no INVLPG
    p.beforeReuse(1, MM, SLOT1); // live across the shootdown: its record stays, the reuse flushes
    assertThat(tlb.calls).containsExactly("flushOneMmLocal cpu1 ffff880000002000");
  }

  @Test
  void exitShootsDownBothKindsOfQueuedAliasAndForgetsTheMm() {
    tlb.cpumask[1].set(0);
    use(0, MM, SLOT0, 100);
    use(0, MM, KVA, 101);
    p.onTransientMap(2, MM, SLOT0 + 0x4000, 102); // live at exit
    assertThat(pending()).containsExactly("0:1:ffff880000000000:100:false", "0:1:ffffc90000004000:101:false");
    p.onMmExit(1, MM);
    assertThat(tlb.calls).containsExactly("shootdown from cpu1 to {0-1} mm 1 ffff880000000000 x1",
        "shootdown from cpu1 to {0-1} mm -1 ffffc90000004000 x1");
    tlb.calls.clear();
    p.beforeReuse(2, MM, SLOT0 + 0x4000); // the dead mm's records are gone
    p.onMmExit(1, MM); // nothing queued: exit_mmap()'s flush is a no-op
    assertThat(tlb.calls).isEmpty();
    assertThat(pending()).isEmpty();
  }

  @Test
  void localFullAndGlobalRangeFlushesDequeueWhatTheyCovered() {
    use(0, MM, SLOT0, 100);
    use(1, MM, SLOT1, 200);
    use(1, MM, KVA, 201);
    use(1, MM, KVA + 0x1000, 202);
    p.onLocalFullFlush(0); // cpu 0's alias
    p.onGlobalFlush(2, KVA, 1); // [KVA, KVA+4K): not KVA+4K
    p.onGlobalFlush(2, SLOT1, 1); // kernel ranges never cover an mm-local alias
    assertThat(pending()).containsExactlyInAnyOrder("1:1:ffff880000002000:200:false", "1:1:ffffc90000005000:202:false");
    p.onAccessLost(3, MM, 100);
    p.onAccessLost(3, MM, 201);
    assertThat(tlb.calls).isEmpty();
    p.onAccessLost(3, MM, 202); // one round for everything still queued of the mm
    assertThat(tlb.calls).containsExactly("shootdown from cpu3 to {3} mm 1 ffff880000002000 x1",
        "shootdown from cpu3 to {3} mm -1 ffffc90000005000 x1");
    tlb.calls.clear();
    p.beforeReuse(0, MM, SLOT0); // retired from the log by the full flush
    p.beforeReuse(1, MM, KVA); // retired by the global flush
    assertThat(tlb.calls).isEmpty();
  }

  @Test
  void aGlobalFlushDequeuesFromTheWholeQueueAndARepeatFindsNothing() {
    use(0, MM, KVA, 100); // queue index 0
    use(0, MM, KVA + 0x1000, 101);
    use(0, MM, KVA + 0x2000, 102);
    p.onGlobalFlush(1, KVA, 3);
    assertThat(pending()).isEmpty();
    p.onGlobalFlush(1, KVA, 3); // stale copies past the end of queue and log are not entries
    assertThat(pending()).isEmpty();
    p.onAccessLost(1, MM, 100);
    p.beforeReuse(0, MM, KVA);
    assertThat(tlb.calls).isEmpty();
  }

  @Test
  void kernelOnlyAliasesAreShotDownAndRepeatedRoundsRetireOnlyRealRecords() {
    tlb.cpumask[1].set(0);
    use(0, MM, KVA, 100);
    use(0, MM, KVA + 0x1000, 101);
    p.onAccessLost(1, MM, 100); // retires both released records of cpu 0
    use(2, MM, KVA + 0x2000, 102);
    p.onTransientMap(0, MM, KVA + 0x3000, 103); // live on cpu 0
    p.onAccessLost(1, MM, 102); // reaches cpu 0 again: only its live record is left there
    p.beforeReuse(0, MM, KVA + 0x3000);
    assertThat(tlb.calls).containsExactly("shootdown from cpu1 to {0-1} mm -1 ffffc90000004000 x2",
        "shootdown from cpu1 to {0-1} mm -1 ffffc90000006000 x1", "flushOne cpu0 ffffc90000007000");
  }

  @Test
  void theQueueAndTheLogGrowPastTheirInitialCapacity() {
    for (int i = 0; i < 20; i++) {
      use(0, MM, SLOT0 + i * 0x1000L, 100 + i);
    }
    assertThat(pending()).hasSize(20);
    p.onAccessLost(1, MM, 119);
    assertThat(tlb.calls).containsExactly("shootdown from cpu1 to {1} mm 1 ffff880000000000 x20");
    assertThat(pending()).isEmpty();
  }
}
