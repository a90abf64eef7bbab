package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.metrics.Metrics;
import org.junit.jupiter.api.Test;

/**
 * The ASI core (bjackman/linux arch/x86/mm/asi.c, {@link X86Asi}) at module level: {@code asi_enter()}
 * sets the target that {@code asi_relax()} clears, an IPI's {@code flush_tlb_local()} exits ASI
 * and the interrupt return re-enters only a CPU that still has a target, and
 * {@code asi_handle_switch_mm()}'s folding of taints (gaps found by mutation testing,
 * docs/mutation-testing.md).
 */
class AsiCoreTest {
  private static final long USER_VA = 0x400000L;

  private final Metrics metrics = new Metrics();

  @Test
  void enterSetsTheTargetRelaxClearsItAndOnlyATargetIsReentered() {
    X86Machine m = TestMachines.build("sapphire-rapids", 1, true, metrics);
    AsiOps asi = m.asi();
    assertThat(asi.enabled()).isTrue();
    assertThat(asi.hasTarget(0)).isFalse();
    m.addressSpaces().switchMm(0, m.addressSpaces().mmCreate(0));
    asi.asiEnter(0);
    assertThat(asi.hasTarget(0)).isTrue();
    asi.asiRelax(0); // the task may sleep or run kernel work: no target, still restricted
    assertThat(asi.hasTarget(0)).isFalse();
    assertThat(asi.isRestricted(0)).isTrue();
    asi.asiExit(0, AsiExitReason.MISC, 0);
    asi.asiReenter(0);
    assertThat(asi.isRestricted(0)).isFalse();
    assertThat(metrics.get("asi_enters")).isEqualTo(1);
    asi.asiEnter(0);
    asi.asiExit(0, AsiExitReason.MISC, 0);
    asi.asiReenter(0); // the target is back: the return from the interrupt re-enters
    assertThat(asi.isRestricted(0)).isTrue();
    assertThat(metrics.get("asi_enters")).isEqualTo(3);
  }

  @Test
  void withoutAsiThereIsNoTarget() {
    X86Machine m = TestMachines.build("sapphire-rapids", 1, false, metrics);
    assertThat(m.asi().enabled()).isFalse();
    m.addressSpaces().switchMm(0, m.addressSpaces().mmCreate(0));
    m.asi().asiEnter(0);
    m.asi().asiRelax(0);
    assertThat(m.asi().hasTarget(0)).isFalse();
    assertThat(m.asi().isRestricted(0)).isFalse();
  }

  @Test
  void aFullFlushIpiExitsAsiAndTheInterruptReturnReentersOnlyWhileTheTargetIsSet() {
    X86Machine m = TestMachines.build("sapphire-rapids", 2, true, metrics);
    long mm = m.addressSpaces().mmCreate(0);
    m.addressSpaces().switchMm(1, mm);
    m.asi().asiEnter(1);
    m.tlb().shootdown(0, CpuMask.of(1), mm, USER_VA, 34); // above the 33-page ceiling: flush_tlb_local()
    assertThat(metrics.get("asi_exits.tlb_flush")).isEqualTo(1);
    assertThat(metrics.get("asi_exit_sites.tlb_flush")).isEqualTo(1);
    assertThat(m.asi().isRestricted(1)).as("re-entered on the interrupt return").isTrue();
    assertThat(metrics.get("asi_enters")).isEqualTo(2);
    m.asi().asiRelax(1);
    m.tlb().shootdown(0, CpuMask.of(1), mm, USER_VA, 34);
    assertThat(metrics.get("asi_exits.tlb_flush")).isEqualTo(2);
    assertThat(m.asi().isRestricted(1)).as("no target: stays unrestricted").isFalse();
    assertThat(metrics.get("asi_enters")).isEqualTo(2);
    m.tlb().shootdown(0, CpuMask.of(1), mm, USER_VA, 1); // an INVLPG flush does not exit
    assertThat(metrics.get("asi_exits")).isEqualTo(2);
  }

  @Test
  void aSwitchFoldsUserAndGuestTaintsIntoOtherMmTaints() {
    CpuTlbState s = new CpuTlbState(1, 1);
    s.taints[0] = AsiOps.TAINT_USER_CONTROL | AsiOps.TAINT_GUEST_DATA; // guest data is not in the data mask
    X86Asi.handleSwitchMm(s, 0);
    assertThat(s.taints[0]).isEqualTo(AsiOps.TAINT_OTHER_MM_CONTROL);
    s.taints[0] = AsiOps.TAINT_GUEST_CONTROL | AsiOps.TAINT_USER_DATA | AsiOps.TAINT_KERNEL_DATA;
    X86Asi.handleSwitchMm(s, 0);
    assertThat(s.taints[0])
        .isEqualTo(AsiOps.TAINT_OTHER_MM_CONTROL | AsiOps.TAINT_OTHER_MM_DATA | AsiOps.TAINT_KERNEL_DATA);
    s.taints[0] = 0;
    X86Asi.handleSwitchMm(s, 0);
    assertThat(s.taints[0]).isZero();
  }
}
