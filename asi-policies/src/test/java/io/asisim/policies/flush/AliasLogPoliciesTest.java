package io.asisim.policies.flush;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.mapper.FlushPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code precise} and {@code local} through their {@link CpuAliasLog}: which records a reuse, a
 * flush, a loss of access or an exit retires, and which CPUs each loss of access flushes (gaps
 * found by mutation testing, docs/mutation-testing.md).
 */
class AliasLogPoliciesTest {
  private static final long MM = 1;
  private static final long SLOT0 = AddressSpaces.MM_LOCAL_START; // ffff880000000000
  private static final long SLOT1 = AddressSpaces.MM_LOCAL_START + 0x2000; // ffff880000002000
  private static final long KVA = AddressSpaces.VMALLOC_START + 0x4000; // ffffc90000004000

  private final RecordingTlb tlb = new RecordingTlb(2);

  private static void use(FlushPolicy p, int cpu, long mm, long va, long pfn) {
    p.onTransientMap(cpu, mm, va, pfn);
    p.onTransientUnmap(cpu, mm, va, pfn);
  }

  private static List<String> pending(FlushPolicy p) {
    List<String> out = new ArrayList<>();
    p.forEachPending((cpu, mm, va, pfn, live) -> out.add(cpu + ":" + mm + ":" + pfn + ":" + live));
    return out;
  }

  @Test
  void preciseReuseFlushesLocallyOnceAndForgetsTheRecord() {
    PreciseFlushPolicy p = new PreciseFlushPolicy(tlb, 2);
    use(p, 0, MM, SLOT0, 100);
    p.beforeReuse(0, MM, SLOT0);
    assertThat(tlb.calls).containsExactly("flushOneMmLocal cpu0 ffff880000000000");
    p.beforeReuse(0, MM, SLOT0); // nothing recorded any more
    p.onAccessLost(1, MM, 100);
    assertThat(tlb.calls).containsExactly("flushOneMmLocal cpu0 ffff880000000000");
  }

  @Test
  void preciseExitFlushesEveryRecordOfTheMmAndKeepsOtherMms() {
    PreciseFlushPolicy p = new PreciseFlushPolicy(tlb, 4);
    use(p, 0, MM, SLOT0, 100);
    p.onTransientMap(2, MM, KVA, 101); // live
    use(p, 1, 0, SLOT1, 300); // mm 0's
    p.onMmExit(3, MM);
    assertThat(tlb.calls).containsExactly("shootdown from cpu3 to {0} mm 1 ffff880000000000 x1",
        "shootdown from cpu3 to {2} mm -1 ffffc90000004000 x1");
    assertThat(pending(p)).containsExactly("1:0:300:false");
  }

  @Test
  void preciseTargetsStartEmptyForEveryLoss() {
    PreciseFlushPolicy p = new PreciseFlushPolicy(tlb, 4);
    use(p, 0, MM, SLOT0, 100);
    use(p, 2, MM, KVA, 100);
    p.onAccessLost(3, MM, 100);
    use(p, 1, MM, SLOT1, 200);
    use(p, 3, MM, KVA + 0x1000, 200);
    p.onAccessLost(0, MM, 200);
    assertThat(tlb.calls).containsExactly(
        "shootdown from cpu3 to {0} mm 1 ffff880000000000 x1",
        "shootdown from cpu3 to {2} mm -1 ffffc90000004000 x1",
        "shootdown from cpu0 to {1} mm 1 ffff880000002000 x1",
        "shootdown from cpu0 to {3} mm -1 ffffc90000005000 x1");
  }

  @Test
  void preciseFlushesALiveAliasAtEveryLossUntilItIsReleasedAndFlushed() {
    PreciseFlushPolicy p = new PreciseFlushPolicy(tlb, 2);
    p.onTransientMap(1, MM, KVA, 100);
    p.onAccessLost(0, MM, 100);
    p.onAccessLost(0, MM, 100); // still mapped, so maybe cached again: flushed again
    p.onTransientUnmap(1, MM, KVA, 100);
    p.onAccessLost(0, MM, 100); // released: this flush retires it
    p.onAccessLost(0, MM, 100);
    assertThat(tlb.calls).containsExactly("shootdown from cpu0 to {1} mm -1 ffffc90000004000 x1",
        "shootdown from cpu0 to {1} mm -1 ffffc90000004000 x1", "shootdown from cpu0 to {1} mm -1 ffffc90000004000 x1");
  }

  @Test
  void frameBucketsCountEveryRecordOfTheirFrames() {
    // 100 and 4196 share bucket 100 of 4096; 4095 is the last bucket
    PreciseFlushPolicy p = new PreciseFlushPolicy(tlb, 2);
    use(p, 0, MM, SLOT0, 100);
    use(p, 1, MM, SLOT1, 4095);
    p.onAccessLost(0, MM, 100);
    p.onAccessLost(0, MM, 4095);
    use(p, 0, MM, SLOT0, 4196);
    use(p, 1, MM, SLOT1, 100);
    p.onAccessLost(0, MM, 100);
    p.onAccessLost(0, MM, 4196);
    assertThat(tlb.calls).containsExactly(
        "shootdown from cpu0 to {0} mm 1 ffff880000000000 x1",
        "shootdown from cpu0 to {1} mm 1 ffff880000002000 x1",
        "shootdown from cpu0 to {1} mm 1 ffff880000002000 x1",
        "shootdown from cpu0 to {0} mm 1 ffff880000000000 x1");
  }

  @Test
  void aCpusLogGrowsPastItsInitialCapacity() {
    PreciseFlushPolicy p = new PreciseFlushPolicy(tlb, 2);
    for (int i = 0; i < 9; i++) {
      use(p, 0, MM, KVA + i * 0x1000L, 500);
    }
    p.onAccessLost(1, MM, 500);
    p.onAccessLost(1, MM, 500);
    assertThat(tlb.calls).containsExactly("shootdown from cpu1 to {0} mm -1 ffffc90000004000 x9");
  }

  @Test
  void aGlobalFlushRetiresReleasedKernelRecordsInItsRangeOnly() {
    PreciseFlushPolicy p = new PreciseFlushPolicy(tlb, 2);
    use(p, 0, MM, KVA, 100);
    use(p, 0, MM, KVA + 0x1000, 101); // just past [KVA, KVA+4K)
    use(p, 1, MM, SLOT0, 102); // mm-local: no kernel range covers it
    p.onGlobalFlush(1, KVA, 1);
    p.onGlobalFlush(1, SLOT0, 1);
    p.onAccessLost(1, MM, 100);
    p.onAccessLost(1, MM, 101);
    p.onAccessLost(1, MM, 102);
    assertThat(tlb.calls).containsExactly("shootdown from cpu1 to {0} mm -1 ffffc90000005000 x1",
        "shootdown from cpu1 to {1} mm 1 ffff880000000000 x1");
  }

  @Test
  void localListsReleasedAliasesUntilAFlushOrExitRetiresThem() {
    LocalFlushPolicy p = new LocalFlushPolicy(tlb, 2, false);
    use(p, 0, MM, SLOT0, 100);
    p.onTransientMap(1, MM, KVA, 101); // live: not pending
    assertThat(pending(p)).containsExactly("0:1:100:false");
    p.onLocalFullFlush(0);
    assertThat(pending(p)).isEmpty();
    p.onTransientUnmap(1, MM, KVA, 101);
    assertThat(pending(p)).containsExactly("1:1:101:false");
    p.onGlobalFlush(0, KVA, 1);
    assertThat(pending(p)).isEmpty();
    p.onTransientMap(0, MM, SLOT0, 102);
    p.onTransientMap(1, MM, SLOT1, 103);
    p.onTransientMap(1, 0, SLOT0, 104); // mm 0's: survives mm 1's exit
    p.onMmExit(0, MM);
    p.beforeReuse(0, MM, SLOT0);
    p.beforeReuse(1, MM, SLOT1);
    p.beforeReuse(1, 0, SLOT0);
    assertThat(tlb.calls).containsExactly("flushOneMmLocal cpu1 ffff880000000000");
  }

  @Test
  void aReleaseMarksOnlyTheLiveRecordOfItsSlot() {
    // a released record of SLOT0 is still in the log when the slot is mapped again (no reuse
    // flush in between, as after a full flush of a live alias); the release marks the new record
    LocalFlushPolicy p = new LocalFlushPolicy(tlb, 2, false);
    p.onTransientMap(0, MM, SLOT0, 100);
    p.onTransientUnmap(0, MM, SLOT0, 100);
    p.onTransientMap(0, MM, SLOT0, 101);
    p.onTransientUnmap(0, MM, SLOT0, 101);
    assertThat(pending(p)).containsExactlyInAnyOrder("0:1:100:false", "0:1:101:false");
  }

  @Test
  void aReleaseMarksTheRecordOfItsMmForMmLocalSlotsAndAnyMmsForKernelOnes() {
    LocalFlushPolicy p = new LocalFlushPolicy(tlb, 2, false);
    p.onTransientMap(0, MM, SLOT0, 100);
    p.onTransientMap(0, 0, SLOT0, 101); // mm 0's own slot at the same VA
    p.onTransientUnmap(0, MM, SLOT0, 100);
    assertThat(pending(p)).containsExactly("0:1:100:false");
    p.onTransientMap(1, MM, KVA, 102);
    p.onTransientUnmap(1, 0, KVA, 102); // a shared-kernel-area alias is one slot whatever the mm
    assertThat(pending(p)).containsExactlyInAnyOrder("0:1:100:false", "1:1:102:false");
  }
}
