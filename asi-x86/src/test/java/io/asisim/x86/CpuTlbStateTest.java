package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.metrics.Metrics;
import org.junit.jupiter.api.Test;

/** The one per-CPU table: what switch_mm, ASI and the flushes write is what the others read. */
class CpuTlbStateTest {
  @Test
  void bootStateIsInitMmInAsidZeroUnrestricted() {
    CpuTlbState s = new CpuTlbState(3, 2);
    for (int c = 0; c < 3; c++) {
      assertThat(s.loadedMm[c]).isEqualTo(AddressSpaces.INIT_MM);
      assertThat(s.loadedMmAsid[c]).isZero();
      assertThat(s.nextAsid[c]).isEqualTo(1);
      assertThat(s.ctxId[CpuTlbState.ctx(c, 0)]).isEqualTo(AddressSpaces.INIT_MM);
      for (int a = 1; a < CpuTlbState.TLB_NR_DYN_ASIDS; a++) {
        assertThat(s.ctxId[CpuTlbState.ctx(c, a)]).isEqualTo(-1);
      }
      assertThat(s.currAsi[c]).isFalse();
      assertThat(s.taints[c]).isZero();
    }
  }

  @Test
  void asidsRoundRobinAndAsiStateIsVisibleToThePcid() {
    X86Machine m = TestMachines.build("sapphire-rapids", 1, true, new Metrics());
    AddressSpaces as = m.addressSpaces();
    long[] mms = new long[7];
    for (int i = 0; i < mms.length; i++) {
      mms[i] = as.mmCreate(0);
      as.switchMm(0, mms[i]);
    }
    // ASIDs 1..5 then 0 (init_mm's, evicted) then 1 again: next_asid wraps at TLB_NR_DYN_ASIDS
    X86TlbOps tlb = (X86TlbOps) m.tlb();
    assertThat(tlb.loadedAsid(0)).isEqualTo(1);
    assertThat(m.tlb().mmCpumask(mms[0]).test(0)).isFalse(); // evicted with its ASID
    assertThat(m.tlb().currentPcid(0)).isEqualTo(2); // kern_pcid(1)
    m.asi().asiEnter(0);
    assertThat(m.asi().isRestricted(0)).isTrue();
    assertThat(m.tlb().currentPcid(0)).isEqualTo(2 | X86Cr3.ASI_PCID_FLAG);
    m.asi().asiExit(0, AsiExitReason.CONTEXT_SWITCH, 0);
    assertThat(m.tlb().currentPcid(0)).isEqualTo(2);
  }
  @Test
  void mmLocalStampsTrustOnlyTheCpusOwnSlotsUntilItsNextCr3Write() {
    // 2 CPUs x 2 slots: slots 0-1 are cpu 0's, 2-3 cpu 1's (mutation-testing gaps)
    CpuTlbState s = new CpuTlbState(2, 2);
    long slot0 = AddressSpaces.MM_LOCAL_START;
    long slot1 = slot0 + 4096;
    long slot2 = slot0 + 2 * 4096;
    assertThat(s.otherPcidMayCacheMmLocal(0, slot0)).as("never stamped").isTrue();
    s.stampMmLocalMap(0, slot0);
    s.stampMmLocalMap(0, slot1);
    assertThat(s.otherPcidMayCacheMmLocal(0, slot0)).as("stamped at 0 CR3 loads, none since").isFalse();
    assertThat(s.otherPcidMayCacheMmLocal(0, slot1)).isFalse();
    s.stampMmLocalMap(0, slot2); // cpu 1's slot mapped by cpu 0: no stamp
    assertThat(s.otherPcidMayCacheMmLocal(1, slot2)).isTrue();
    assertThat(s.otherPcidMayCacheMmLocal(0, slot2)).isTrue();
    assertThat(s.otherPcidMayCacheMmLocal(0, slot0 + 4 * 4096)).as("past every slot").isTrue();
    s.cr3Loads[0]++;
    assertThat(s.otherPcidMayCacheMmLocal(0, slot0)).as("a CR3 write since the stamp").isTrue();
    s.stampMmLocalMap(0, slot0);
    assertThat(s.otherPcidMayCacheMmLocal(0, slot0)).isFalse();
  }

  @Test
  void arrayBytesCountsEveryPerCpuArray() {
    // 2 CPUs x (8+4+4+1+1+4+2+8) + 12 ASID contexts x 9 + 4 mm-local stamps x 8
    assertThat(new CpuTlbState(2, 2).arrayBytes()).isEqualTo(2 * 32 + 12 * 9 + 4 * 8);
  }
}
