package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.metrics.Metrics;
import org.junit.jupiter.api.Test;

/**
 * ASID contexts of arch/x86/mm/tlb.c as {@link X86Cr3} keeps them, on Sapphire Rapids costs with
 * ASI: a deferred flush and an mm's destruction drop both PCIDs of its idle ASIDs at once (seen in
 * {@code validEntries()}), leaving lazy mode catches up a skipped flush with one CR3 write and the
 * kernel footprint's refill ({@code switch_mm_irqs_off()} with {@code was_lazy}), init_mm's ASID 0
 * is an ASID like the others (gaps found by mutation testing, docs/mutation-testing.md).
 */
class AsidLifecycleTest {
  private static final long USER_VA = TenUserPages.USER_VA;
  private static final long FIRST_PFN = TenUserPages.FIRST_PFN;
  /** 24 data + 8 text kernel translations, each 3 x 15 + 15 cycles (PTE lines in L2). */
  private static final long KERNEL_REFILL = 32 * 60;

  private final Metrics metrics = new Metrics();
  private X86Machine m;

  private void boot(int cpus, X86Options opts) {
    m = TestMachines.build("sapphire-rapids", 64L << 20, cpus, true, opts, metrics);
  }

  private long mmWithTenPages() {
    return TenUserPages.mm(m);
  }

  private long touchTen(int cpu) {
    return TenUserPages.touch(m, metrics, cpu);
  }

  /** Runs {@code mm} on {@code cpu} restricted then unrestricted: ten entries in each of its PCIDs. */
  private void fillBothPcids(int cpu, long mm) {
    m.addressSpaces().switchMm(cpu, mm);
    m.asi().asiEnter(cpu);
    assertThat(touchTen(cpu)).isEqualTo(10);
    m.asi().asiExit(cpu, AsiExitReason.MISC, 0);
    assertThat(touchTen(cpu)).isEqualTo(10);
  }

  @Test
  void aDeferredFlushAndAnMmsDestructionDropBothPcidsOfItsIdleAsid() {
    boot(2, X86Options.DEFAULT);
    long a = mmWithTenPages();
    long b = m.addressSpaces().mmCreate(0);
    fillBothPcids(1, a);
    m.addressSpaces().switchMm(1, b); // A idle in ASID 1 of cpu 1
    assertThat(m.tlb().validEntries(1)).isEqualTo(20);
    m.tlb().shootdown(0, CpuMask.of(1), a, USER_VA, 1); // should_flush_tlb() false: A's ASID goes stale
    assertThat(m.tlb().validEntries(1)).isZero();
    assertThat(metrics.get("tlb_shootdown_ipis")).isZero();
    fillBothPcids(1, a);
    m.addressSpaces().switchMm(1, b);
    assertThat(m.tlb().validEntries(1)).isEqualTo(20);
    m.addressSpaces().mmDestroy(0, a);
    assertThat(m.tlb().validEntries(1)).isZero();
  }

  @Test
  void leavingLazyModeCatchesUpASkippedFlushWithOneCr3WriteAndTheKernelRefill() {
    boot(2, X86Options.DEFAULT);
    long a = mmWithTenPages();
    fillBothPcids(1, a);
    assertThat(m.tlb().isLazy(1)).isFalse();
    m.tlb().setLazy(1, true);
    assertThat(m.tlb().isLazy(1)).isTrue();
    m.tlb().shootdown(0, CpuMask.of(1), a, USER_VA, 1); // skipped: lazy
    assertThat(m.tlb().validEntries(1)).isEqualTo(20);
    long cycles = m.cycles(1);
    long writes = metrics.get("cr3_writes");
    long refills = metrics.get("tlb_refills_kernel");
    m.tlb().setLazy(1, false);
    assertThat(m.tlb().isLazy(1)).isFalse();
    assertThat(m.cycles(1) - cycles).isEqualTo(200 + KERNEL_REFILL);
    assertThat(metrics.get("cr3_writes")).isEqualTo(writes + 1);
    assertThat(metrics.get("tlb_refills_kernel")).isEqualTo(refills + 32);
    assertThat(m.tlb().validEntries(1)).isZero();
    m.tlb().setLazy(1, false); // not lazy: nothing
    assertThat(m.cycles(1) - cycles).isEqualTo(200 + KERNEL_REFILL);
  }

  @Test
  void aSwitchIntoTheLazyMmCatchesUpAndOneIntoAnotherMmDropsTheLazyAsid() {
    boot(2, X86Options.DEFAULT);
    long a = mmWithTenPages();
    long b = m.addressSpaces().mmCreate(0);
    fillBothPcids(1, a);
    m.tlb().setLazy(1, true);
    m.tlb().shootdown(0, CpuMask.of(1), a, USER_VA, 1);
    long writes = metrics.get("cr3_writes");
    m.addressSpaces().switchMm(1, a); // prev == next, was lazy: flushing reload
    assertThat(m.tlb().isLazy(1)).isFalse();
    assertThat(metrics.get("cr3_writes")).isEqualTo(writes + 1);
    assertThat(m.tlb().validEntries(1)).isZero();

    fillBothPcids(1, a);
    m.tlb().setLazy(1, true);
    m.tlb().shootdown(0, CpuMask.of(1), a, USER_VA, 1);
    m.addressSpaces().switchMm(1, b); // A's context is behind: dropped, both PCIDs
    assertThat(m.tlb().isLazy(1)).isFalse();
    assertThat(m.tlb().validEntries(1)).isZero();
    m.addressSpaces().switchMm(1, a);
    assertThat(touchTen(1)).isEqualTo(10);
  }

  @Test
  void aSharedKernelFlushDropsInitMmsIdleAsidToo() {
    boot(1, X86Options.DEFAULT);
    long kva = AddressSpaces.directMapVa(FIRST_PFN);
    m.tlb().access(0, kva, false, 0); // init_mm's ASID 0, not global under ASI
    m.addressSpaces().switchMm(0, m.addressSpaces().mmCreate(0));
    assertThat(m.tlb().validEntries(0)).isEqualTo(1);
    m.tlb().flushOne(0, AddressSpaces.VMALLOC_START); // invalidate_other_asid(): mm id 0 included
    assertThat(m.tlb().validEntries(0)).isZero();
  }

  @Test
  void recyclingInitMmsAsidTakesTheCpuOutOfItsCpumask() {
    boot(1, X86Options.DEFAULT);
    m.addressSpaces().switchMm(0, m.addressSpaces().mmCreate(0)); // ASID 1
    m.addressSpaces().switchMm(0, AddressSpaces.INIT_MM); // back to ASID 0: in init_mm's cpumask
    assertThat(m.tlb().mmCpumask(AddressSpaces.INIT_MM).test(0)).isTrue();
    for (int i = 0; i < 5; i++) {
      m.addressSpaces().switchMm(0, m.addressSpaces().mmCreate(0)); // ASIDs 2-5, then 0: init_mm evicted
    }
    assertThat(m.tlb().mmCpumask(AddressSpaces.INIT_MM).test(0)).isFalse();
  }

  /**
   * With NOFLUSH CR3 writes, {@code ephmap_put()} reaches the other PCID only if this CPU wrote CR3
   * since the slot was mapped: the lazy catch-up's reload is such a write.
   */
  @Test
  void theLazyCatchUpCountsAsACr3WriteForTheMmLocalFlush() {
    boot(2, X86Options.DEFAULT.withCr3NoFlush(true));
    var as = m.addressSpaces();
    long a = as.mmCreate(0);
    as.switchMm(0, a);
    long slot = as.mmLocalSlotVa(0, 0);
    as.mapMmLocal(0, a, slot, FIRST_PFN);
    long flushes = metrics.get("tlb_flushes_local");
    m.tlb().flushOneMmLocal(0, slot); // no CR3 write since the map: INVLPG only
    assertThat(metrics.get("tlb_flushes_local")).isEqualTo(flushes + 1);
    as.mapMmLocal(0, a, slot, FIRST_PFN);
    m.tlb().setLazy(0, true);
    m.tlb().shootdown(1, CpuMask.of(0), a, USER_VA, 1);
    m.tlb().setLazy(0, false); // CR3 write 1 since the map
    m.asi().asiEnter(0); // CR3 write 2
    m.tlb().flushOneMmLocal(0, slot);
    assertThat(metrics.get("tlb_flushes_local")).isEqualTo(flushes + 3); // INVLPG + INVPCID
  }
}
