package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CR3 NOFLUSH semantics, shootdown costs and the single-page flush ceiling, hand-checked. */
class TlbFlushTest {
  private static final long USER_VA = 0x400000L;
  private static final long FIRST_PFN = 12000;

  private Metrics metrics;
  private X86Machine m;
  private long mm;

  private void boot(String profile, int cpus, boolean asi, boolean noflush) {
    metrics = new Metrics();
    m = TestMachines.build(profile, 64L << 20, cpus, asi, X86Options.DEFAULT.withCr3NoFlush(noflush), metrics);
    mm = m.addressSpaces().mmCreate(0);
    for (int i = 0; i < 10; i++) {
      assertThat(m.addressSpaces().mapUser(0, mm, USER_VA + i * 4096L, FIRST_PFN + i, true)).isTrue();
    }
  }

  private long touchTen(int cpu) {
    long before = metrics.get("tlb_misses");
    for (int i = 0; i < 10; i++) {
      assertThat(m.tlb().access(cpu, USER_VA + i * 4096L, false, 0)).isEqualTo(FIRST_PFN + i);
    }
    return metrics.get("tlb_misses") - before;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void noflushCr3KeepsTargetPcidEntries(boolean noflush) {
    boot("sapphire-rapids", 1, true, noflush);
    m.addressSpaces().switchMm(0, mm);
    m.asi().asiEnter(0);
    // (a) restricted PCID cold: 10 misses
    assertThat(touchTen(0)).isEqualTo(10);
    m.asi().asiExit(0, AsiExitReason.MISC, 0);
    // (b) unrestricted PCID cold (fresh ASID): 10 misses; the restricted PCID's 10 entries survive
    // the exit's CR3 write either way, because a CR3 write only ever flushes its target PCID
    assertThat(touchTen(0)).isEqualTo(10);
    assertThat(m.tlb().validEntries(0)).isEqualTo(20);
    // (c) back to restricted: a flushing CR3 write emptied the restricted PCID -> 10 refills
    m.asi().asiEnter(0);
    assertThat(touchTen(0)).isEqualTo(noflush ? 0 : 10);
    // (d) and the same for the unrestricted PCID on the next exit
    m.asi().asiExit(0, AsiExitReason.MISC, 0);
    assertThat(touchTen(0)).isEqualTo(noflush ? 0 : 10);
    assertThat(metrics.get("tlb_misses")).isEqualTo(noflush ? 20 : 40);
    assertThat(metrics.get("cr3_writes")).isEqualTo(5);
  }

  @Test
  void shootdownToThreeCpusCostsSenderPlusThreeTargets() {
    boot("sapphire-rapids", 4, true, false);
    for (int c = 1; c <= 3; c++) {
      m.addressSpaces().switchMm(c, mm);
      touchTen(c);
    }
    long[] before = new long[4];
    for (int c = 0; c < 4; c++) {
      before[c] = m.cycles(c);
    }
    m.tlb().shootdown(0, CpuMask.of(1, 2, 3), mm, USER_VA, 1);
    assertThat(metrics.get("tlb_shootdowns")).isEqualTo(1);
    assertThat(metrics.get("tlb_shootdown_ipis")).isEqualTo(3);
    // each target: ipi-target 1500 + INVLPG 150 + INVPCID (other PCID) 200 = 1850; sender:
    // ipi-send 300 per target, then waits for the slowest target (smp_call_function_many_cond)
    assertThat(m.cycles(0) - before[0]).isEqualTo(3 * 300 + 1850);
    long total = 0;
    for (int c = 1; c <= 3; c++) {
      assertThat(m.cycles(c) - before[c]).isEqualTo(1500 + 150 + 200);
      total += m.cycles(c) - before[c];
      assertThat(m.tlb().validEntries(c)).isEqualTo(9);
      // the flushed page refills with one miss
      long misses = metrics.get("tlb_misses");
      m.tlb().access(c, USER_VA, false, 0);
      assertThat(metrics.get("tlb_misses")).isEqualTo(misses + 1);
    }
    assertThat(m.cycles(0) - before[0] + total).isEqualTo(3 * 300 + 1850 + 3 * 1850);
    assertThat(metrics.get("tlb_flushes_local")).isEqualTo(6);
  }

  @Test
  void shootdownSkipsCpusNotRunningTheMmButDropsTheirEntries() {
    boot("zen4", 3, true, false);
    m.addressSpaces().switchMm(1, mm);
    touchTen(1);
    long other = m.addressSpaces().mmCreate(1);
    m.addressSpaces().switchMm(1, other); // mm stays in ASID slot 1 of cpu 1, and cpu 1 in its cpumask
    assertThat(m.tlb().mmCpumask(mm).test(1)).isTrue();
    m.tlb().flushMmRange(0, mm, USER_VA, 1);
    assertThat(metrics.get("tlb_shootdown_ipis")).isZero(); // should_flush_tlb() false: no IPI
    long cr3 = metrics.get("cr3_writes");
    m.addressSpaces().switchMm(1, mm); // back: ASID stale -> flushing CR3 write, all 10 refill
    assertThat(metrics.get("cr3_writes")).isEqualTo(cr3 + 1);
    assertThat(touchTen(1)).isEqualTo(10);
  }

  @Test
  void asidReuseWithoutFlushKeepsEntries() {
    boot("zen4", 1, false, false);
    m.addressSpaces().switchMm(0, mm);
    touchTen(0);
    long other = m.addressSpaces().mmCreate(0);
    m.addressSpaces().switchMm(0, other);
    m.addressSpaces().switchMm(0, mm); // ASID still cached and not stale: NOFLUSH, entries survive
    assertThat(touchTen(0)).isZero();
    // cycle through 6 more mms: TLB_NR_DYN_ASIDS = 6 evicts mm's ASID
    for (int i = 0; i < 6; i++) {
      m.addressSpaces().switchMm(0, m.addressSpaces().mmCreate(0));
    }
    assertThat(m.tlb().mmCpumask(mm).test(0)).isFalse();
    m.addressSpaces().switchMm(0, mm);
    assertThat(touchTen(0)).isEqualTo(10);
  }

  @Test
  void rangeFlushCeilingIs33Pages() {
    boot("sapphire-rapids", 1, true, false);
    m.addressSpaces().switchMm(0, mm);
    assertThat(m.tlb().singlePageFlushCeiling()).isEqualTo(33);
    long c0 = m.cycles(0);
    m.tlb().flushMmRange(0, mm, USER_VA, 33);
    // 33 pages: per page INVLPG (150) + INVPCID on the restricted PCID (200)
    assertThat(metrics.get("tlb_flushes_local")).isEqualTo(66);
    assertThat(m.cycles(0) - c0).isEqualTo(33 * 350);
    long c1 = m.cycles(0);
    m.tlb().flushMmRange(0, mm, USER_VA, 34);
    // 34 pages: flush_tlb_local of both PCIDs: 2 x full-flush (200)
    assertThat(metrics.get("tlb_flushes_local")).isEqualTo(68);
    assertThat(m.cycles(0) - c1).isEqualTo(400);
    assertThat(metrics.get("tlb_shootdowns")).isZero();
  }

  @Test
  void kernelRangeFlushReachesEveryCpuAndAsiOffUsesGlobalEntries() {
    boot("sapphire-rapids", 4, false, false);
    long kva = io.asisim.api.machine.AddressSpaces.directMapVa(FIRST_PFN);
    for (int c = 0; c < 4; c++) {
      m.tlb().access(c, kva, false, 0);
    }
    // ASI off: the direct map is global, so a switch_mm keeps it
    m.addressSpaces().switchMm(2, mm);
    long misses = metrics.get("tlb_misses");
    m.tlb().access(2, kva, false, 0);
    assertThat(metrics.get("tlb_misses")).isEqualTo(misses);
    m.flushKernelRange(0, FIRST_PFN, 1);
    assertThat(metrics.get("tlb_shootdown_ipis")).isEqualTo(3);
    for (int c = 0; c < 4; c++) {
      assertThat(m.tlb().validEntries(c)).isZero();
    }
  }

  @Test
  void batchFlushSendsOneIpiPerCpuOfTheAccumulatedMask() {
    boot("sapphire-rapids", 4, true, false);
    long mm2 = m.addressSpaces().mmCreate(0);
    m.addressSpaces().switchMm(1, mm);
    m.addressSpaces().switchMm(2, mm2);
    m.addressSpaces().switchMm(3, mm2);
    m.tlb().batchAdd(0, mm);
    m.tlb().batchAdd(0, mm2);
    m.tlb().batchAdd(0, mm); // already pending: no extra IPI
    assertThat(metrics.get("tlb_shootdown_ipis")).isZero();
    m.tlb().batchFlush(0);
    assertThat(metrics.get("tlb_shootdowns")).isEqualTo(1);
    assertThat(metrics.get("tlb_shootdown_ipis")).isEqualTo(3);
    m.tlb().batchFlush(0);
    assertThat(metrics.get("tlb_shootdowns")).isEqualTo(1);
  }

  @Test
  void mmLocalFlushKeepsOtherAsidsButSharedKernelFlushDropsThem() {
    boot("sapphire-rapids", 1, true, false);
    var as = m.addressSpaces();
    as.switchMm(0, mm);
    touchTen(0); // 10 entries under mm's ASID
    long other = as.mmCreate(0);
    as.switchMm(0, other);
    long slot = as.mmLocalSlotVa(0, 0);
    as.mapMmLocal(0, other, slot, FIRST_PFN + 30);
    m.tlb().access(0, slot, false, 0);
    as.unmapMmLocal(0, other, slot);
    m.tlb().flushOne(0, slot); // ephmap-style local flush: INVLPG + INVPCID, other ASIDs untouched
    as.switchMm(0, mm);
    assertThat(touchTen(0)).isZero();
    as.switchMm(0, other);
    long kva = io.asisim.api.machine.AddressSpaces.VMALLOC_START;
    as.mapKernel(0, kva, FIRST_PFN + 31);
    as.unmapKernel(0, kva);
    m.tlb().flushOne(0, kva); // flush_tlb_one_kernel: invalidate_other_asid()
    long cr3 = metrics.get("cr3_writes");
    as.switchMm(0, mm);
    assertThat(metrics.get("cr3_writes")).isEqualTo(cr3 + 1);
    assertThat(touchTen(0)).isEqualTo(10);
  }

  @Test
  void writeToReadOnlyPteFaults() {
    boot("zen4", 1, true, false);
    long ro = 0x7f0000000000L;
    m.addressSpaces().mapUser(0, mm, ro, FIRST_PFN + 20, false);
    m.addressSpaces().switchMm(0, mm);
    assertThat(m.tlb().access(0, ro, false, 0)).isEqualTo(FIRST_PFN + 20);
    assertThat(m.tlb().access(0, ro, true, 0)).isEqualTo(TlbOps.FAULT);
  }
}
