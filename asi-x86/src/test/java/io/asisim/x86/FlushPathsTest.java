package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.FlushTlbInfo;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Flush paths of arch/x86/mm/tlb.c as {@link X86TlbOps} models them, with Sapphire Rapids costs
 * under ASI: {@code flush_tlb_kernel_range()} above the ceiling ({@code do_flush_tlb_all()}, INVPCID
 * type 2), {@code flush_tlb_mm_range()}'s local CPU, {@code native_flush_tlb_multi()} for a
 * gathered request, {@code flush_tlb_one_user()} of a user address, the reclaim batch's ASID drops
 * and wait ({@code arch_tlbbatch_flush()}), and the checker's enumerations (gaps found by mutation
 * testing, docs/mutation-testing.md).
 */
class FlushPathsTest {
  private static final long USER_VA = TenUserPages.USER_VA;
  private static final long FIRST_PFN = TenUserPages.FIRST_PFN;

  private final Metrics metrics = new Metrics();
  private X86Machine m;

  private void boot(int cpus) {
    m = TestMachines.build("sapphire-rapids", 64L << 20, cpus, true, X86Options.DEFAULT, metrics);
  }

  private long mmWithTenPages() {
    return TenUserPages.mm(m);
  }

  private long touchTen(int cpu) {
    return TenUserPages.touch(m, metrics, cpu);
  }

  @Test
  void aLongKernelRangeFlushIsOneInvpcidAllPerCpu() {
    boot(2);
    long kva = AddressSpaces.directMapVa(FIRST_PFN);
    m.tlb().access(0, kva, false, 0);
    m.tlb().access(1, kva, false, 0);
    long c0 = m.cycles(0);
    long c1 = m.cycles(1);
    m.flushKernelRange(0, FIRST_PFN, 34);
    // target: ipi-target 1500 + INVPCID all 600; sender: its own 600, ipi-send 300, then the wait
    assertThat(m.cycles(1) - c1).isEqualTo(1500 + 600);
    assertThat(m.cycles(0) - c0).isEqualTo(600 + 300 + (2100 - 600));
    assertThat(metrics.get("tlb_flushes_local")).isEqualTo(2);
    assertThat(metrics.get("tlb_shootdown_ipis")).isEqualTo(1);
    assertThat(m.tlb().validEntries(0)).isZero();
    assertThat(m.tlb().validEntries(1)).isZero();
  }

  @Test
  void anMmRangeFlushAlwaysReachesTheCallerThatHasTheMmLoaded() {
    boot(1);
    // init_mm is loaded at boot, but no switch_mm has put the CPU in its cpumask
    assertThat(m.tlb().mmCpumask(AddressSpaces.INIT_MM).test(0)).isFalse();
    long c0 = m.cycles(0);
    m.tlb().flushMmRange(0, AddressSpaces.INIT_MM, AddressSpaces.VMALLOC_START, 1);
    assertThat(metrics.get("tlb_flushes_local")).isEqualTo(2); // INVLPG + INVPCID of the other PCID
    assertThat(m.cycles(0) - c0).isEqualTo(150 + 200);
  }

  /**
   * {@code flush_tlb_mm_range()} bumps the mm's {@code tlb_gen} ({@code inc_mm_tlb_gen()}) before
   * choosing targets, so a caller holding the mm in an idle ASID is behind too and flushes it at
   * its next {@code switch_mm_irqs_off()} into the mm, as any other CPU of the mm's cpumask does.
   */
  @Test
  void anMmRangeFlushFromACpuHoldingTheMmIdleLeavesItsAsidStale() {
    boot(1);
    long a = mmWithTenPages();
    m.addressSpaces().switchMm(0, a);
    touchTen(0);
    m.addressSpaces().switchMm(0, m.addressSpaces().mmCreate(0)); // A idle in ASID 1 of cpu 0
    m.tlb().flushMmRange(0, a, USER_VA, 1);
    assertThat(metrics.get("tlb_shootdown_ipis")).isZero();
    assertThat(m.tlb().validEntries(0)).as("A's context dropped, as for any CPU of A's cpumask").isZero();
    long writes = metrics.get("cr3_writes");
    m.addressSpaces().switchMm(0, a);
    assertThat(metrics.get("cr3_writes")).isEqualTo(writes + 1);
    assertThat(touchTen(0)).isEqualTo(10);
  }

  @Test
  void aGatheredRequestIsSentOnlyWhenItHoldsAPage() {
    boot(2);
    long a = mmWithTenPages();
    m.addressSpaces().switchMm(1, a);
    touchTen(1);
    FlushTlbInfo info = new FlushTlbInfo().reset(a);
    m.tlb().shootdown(0, CpuMask.of(1), info);
    assertThat(metrics.get("tlb_shootdown_ipis")).isZero();
    assertThat(m.tlb().validEntries(1)).isEqualTo(10);
    info.add(USER_VA);
    m.tlb().shootdown(0, CpuMask.of(1), info);
    assertThat(metrics.get("tlb_shootdown_ipis")).isEqualTo(1);
    assertThat(m.tlb().validEntries(1)).isEqualTo(9);
  }

  @Test
  void aUserPageFlushAtAddressZeroLeavesOtherAsidsAlone() {
    boot(1);
    long a = mmWithTenPages();
    m.addressSpaces().switchMm(0, a);
    touchTen(0);
    m.addressSpaces().switchMm(0, m.addressSpaces().mmCreate(0));
    m.tlb().flushOne(0, 0); // a user address: no invalidate_other_asid()
    m.addressSpaces().switchMm(0, a);
    assertThat(touchTen(0)).isZero();
  }

  @Test
  void aBatchDropsTheIdleAsidsOfItsOwnMmsOnly() {
    boot(2);
    long a = mmWithTenPages();
    long b = mmWithTenPages();
    long c = m.addressSpaces().mmCreate(0);
    var as = m.addressSpaces();
    as.switchMm(1, a);
    touchTen(1);
    as.switchMm(1, b);
    touchTen(1);
    as.switchMm(1, c); // A and B idle on cpu 1
    m.tlb().batchAdd(0, a);
    m.tlb().batchAdd(0, b);
    m.tlb().batchFlush(0);
    as.switchMm(1, a);
    assertThat(touchTen(1)).isEqualTo(10);
    as.switchMm(1, b);
    assertThat(touchTen(1)).isEqualTo(10);
    as.switchMm(1, c);
    m.tlb().batchAdd(0, a); // a new batch of A alone: B, gathered last time, is not in it
    m.tlb().batchFlush(0);
    as.switchMm(1, b);
    assertThat(touchTen(1)).isZero();
    as.switchMm(1, a);
    assertThat(touchTen(1)).isEqualTo(10);
  }

  @Test
  void anOverflowingBatchDropsInitMmsIdleAsidToo() {
    boot(2);
    m.tlb().access(1, AddressSpaces.directMapVa(FIRST_PFN), false, 0); // init_mm's ASID 0 on cpu 1
    long a = m.addressSpaces().mmCreate(0);
    m.addressSpaces().switchMm(1, a);
    assertThat(m.tlb().validEntries(1)).isEqualTo(1);
    for (int i = 0; i < 16; i++) {
      m.tlb().batchAdd(0, m.addressSpaces().mmCreate(0));
    }
    m.tlb().batchAdd(0, a); // overflows: every mm counts as batched, init_mm (id 0) too
    m.tlb().batchFlush(0);
    assertThat(m.tlb().validEntries(1)).isZero();
  }

  @Test
  void aBatchFlushIncludingTheSenderWaitsForTheTargetMinusItsOwnFlush() {
    boot(2);
    long a = m.addressSpaces().mmCreate(0);
    m.addressSpaces().switchMm(0, a);
    m.addressSpaces().switchMm(1, a);
    long c0 = m.cycles(0);
    long c1 = m.cycles(1);
    m.tlb().batchAdd(0, a);
    m.tlb().batchFlush(0);
    // each CPU: flush_tlb_local() of both PCIDs, 2 x 200; the target also ipi-target 1500
    assertThat(m.cycles(1) - c1).isEqualTo(1500 + 400);
    assertThat(m.cycles(0) - c0).isEqualTo(400 + 300 + (1900 - 400));
  }

  @Test
  void theCheckersEnumerationsGoThroughTheTlbOps() {
    boot(2);
    long a = mmWithTenPages();
    m.addressSpaces().switchMm(1, a);
    m.asi().asiEnter(1);
    touchTen(1);
    List<Long> in = new ArrayList<>();
    m.tlb().forEachRestrictedEntryIn(1, USER_VA + 3 * 4096L, 2, (cpu, mm, va, pfn, shift) -> {
      assertThat(mm).isEqualTo(a);
      in.add(pfn);
    });
    assertThat(in).containsExactlyInAnyOrder(FIRST_PFN + 3, FIRST_PFN + 4);
    assertThat(unsettled(1)).isEqualTo(10);
    assertThat(unsettled(1)).isZero();
    m.tlb().unsettleFrames(1, new long[] {FIRST_PFN + 3}, 1);
    assertThat(unsettled(1)).isEqualTo(1);
    m.tlb().unsettle(1);
    assertThat(unsettled(1)).isEqualTo(10);
    assertThat(unsettled(0)).isZero();
  }

  private int unsettled(int cpu) {
    int[] n = new int[1];
    m.tlb().forEachUnsettledRestrictedEntry(cpu, (c, mm, va, pfn, shift) -> {
      n[0]++;
      return true;
    });
    return n[0];
  }
}
