package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.metrics.Metrics;
import org.junit.jupiter.api.Test;

/**
 * Batched (reclaim) flushes and ASID recycling: what each leaves cached, counted in TLB misses of
 * ten user pages and in the restricted entries a scan can see (gaps found by mutation testing,
 * docs/mutation-testing.md).
 */
class BatchFlushAndAsidTest {
  private static final long USER_VA = TenUserPages.USER_VA;
  private static final long FIRST_PFN = TenUserPages.FIRST_PFN;

  private final Metrics metrics = new Metrics();
  private X86Machine m;

  private long mmWithTenPages() {
    return TenUserPages.mm(m);
  }

  private long touchTen(int cpu) {
    return TenUserPages.touch(m, metrics, cpu);
  }

  /** Restricted (ASI PCID) entries of {@code cpu} that map one of the ten user frames. */
  private int restrictedUserEntries(int cpu) {
    int[] n = new int[1];
    m.tlb().forEachRestrictedEntry(cpu, (c, mm, va, pfn, shift) -> {
      if (pfn >= FIRST_PFN && pfn < FIRST_PFN + 10) {
        n[0]++;
      }
    });
    return n[0];
  }

  @Test
  void aRecycledAsidStartsWithBothOfItsPcidsEmpty() {
    m = TestMachines.build("sapphire-rapids", 64L << 20, 1, true, X86Options.DEFAULT, metrics);
    long a = mmWithTenPages();
    m.addressSpaces().switchMm(0, a); // ASID 0
    m.asi().asiEnter(0);
    assertThat(touchTen(0)).isEqualTo(10);
    assertThat(restrictedUserEntries(0)).isEqualTo(10);
    m.asi().asiExit(0, AsiExitReason.MISC, 0);
    for (int i = 0; i < 6; i++) {
      m.addressSpaces().switchMm(0, m.addressSpaces().mmCreate(0)); // ASIDs 1-5, then 0 again
    }
    assertThat(restrictedUserEntries(0)).as("A's restricted entries went with its ASID").isZero();
    m.addressSpaces().switchMm(0, a); // a new ASID (1): both PCIDs flushed
    assertThat(touchTen(0)).isEqualTo(10);
    m.asi().asiEnter(0);
    assertThat(touchTen(0)).isEqualTo(10);
  }

  @Test
  void aBatchedFlushReachesEveryCpuOfTheMmAndDropsItsIdleAsids() {
    m = TestMachines.build("sapphire-rapids", 64L << 20, 4, true, X86Options.DEFAULT, metrics);
    long a = mmWithTenPages();
    long b = m.addressSpaces().mmCreate(0);
    for (int c = 0; c < 4; c++) {
      m.addressSpaces().switchMm(c, a);
      assertThat(touchTen(c)).isEqualTo(10);
    }
    m.addressSpaces().switchMm(2, b); // cpu 2 keeps A's ASID (and its bit in A's cpumask), runs B
    m.tlb().setLazy(3, true); // cpu 3 idles on A: skipped, flushed when it leaves lazy mode
    m.tlb().batchAdd(0, a);
    m.tlb().batchFlush(0);
    assertThat(metrics.get("tlb_shootdowns")).isEqualTo(1);
    assertThat(metrics.get("tlb_shootdown_ipis")).isEqualTo(2); // cpus 1 and 2
    assertThat(touchTen(0)).as("the sender flushed itself").isEqualTo(10);
    assertThat(touchTen(1)).isEqualTo(10);
    m.addressSpaces().switchMm(2, a);
    assertThat(touchTen(2)).as("A's idle ASID on cpu 2 was dropped").isEqualTo(10);
    m.tlb().setLazy(3, false);
    assertThat(touchTen(3)).as("the skipped flush is caught up").isEqualTo(10);
    m.tlb().batchFlush(0); // the batch is empty again
    assertThat(metrics.get("tlb_shootdowns")).isEqualTo(1);
  }

  @Test
  void droppedAndDestroyedAsidsLeaveNoRestrictedEntries() {
    m = TestMachines.build("sapphire-rapids", 64L << 20, 3, true, X86Options.DEFAULT, metrics);
    long a = mmWithTenPages();
    for (int c = 1; c <= 2; c++) {
      m.addressSpaces().switchMm(c, a);
      m.asi().asiEnter(c);
      assertThat(touchTen(c)).isEqualTo(10);
      m.asi().asiExit(c, AsiExitReason.MISC, 0);
      m.addressSpaces().switchMm(c, m.addressSpaces().mmCreate(0)); // A idle on cpus 1 and 2
      assertThat(restrictedUserEntries(c)).isEqualTo(10);
    }
    m.tlb().batchAdd(0, a);
    m.tlb().batchFlush(0); // cpu 1 and 2: A's idle ASID dropped, both PCIDs
    assertThat(restrictedUserEntries(1)).isZero();
    assertThat(restrictedUserEntries(2)).isZero();
    m.addressSpaces().switchMm(1, a);
    m.asi().asiEnter(1);
    assertThat(touchTen(1)).isEqualTo(10);
    m.asi().asiExit(1, AsiExitReason.MISC, 0);
    m.addressSpaces().switchMm(1, m.addressSpaces().mmCreate(0));
    m.addressSpaces().mmDestroy(0, a); // exit: every CPU's contexts of A go, with their entries
    assertThat(restrictedUserEntries(1)).isZero();
  }

  @Test
  void aLazyCpuCatchesUpOnBothPcidsWhenItLeavesLazyMode() {
    m = TestMachines.build("sapphire-rapids", 64L << 20, 2, true, X86Options.DEFAULT, metrics);
    long a = mmWithTenPages();
    m.addressSpaces().switchMm(1, a);
    m.asi().asiEnter(1);
    assertThat(touchTen(1)).isEqualTo(10);
    m.asi().asiExit(1, AsiExitReason.MISC, 0);
    m.tlb().setLazy(1, true);
    m.tlb().batchAdd(0, a);
    m.tlb().batchFlush(0); // skipped: cpu 1 is lazy
    assertThat(restrictedUserEntries(1)).isEqualTo(10);
    long writes = metrics.get("cr3_writes");
    m.tlb().setLazy(1, false);
    assertThat(metrics.get("cr3_writes")).isEqualTo(writes + 1);
    assertThat(restrictedUserEntries(1)).isZero();
  }

  @Test
  void anOverflowingBatchDropsEveryIdleAsid() {
    m = TestMachines.build("sapphire-rapids", 64L << 20, 2, true, X86Options.DEFAULT, metrics);
    long a = mmWithTenPages();
    m.addressSpaces().switchMm(1, a);
    assertThat(touchTen(1)).isEqualTo(10);
    m.addressSpaces().switchMm(1, m.addressSpaces().mmCreate(0)); // A idle on cpu 1
    for (int i = 0; i < 16; i++) {
      m.tlb().batchAdd(0, m.addressSpaces().mmCreate(0)); // 16 other mms fill the batch's list
    }
    m.tlb().batchAdd(0, a); // the 17th overflows it: every mm counts as batched
    m.tlb().batchFlush(0);
    m.addressSpaces().switchMm(1, a);
    assertThat(touchTen(1)).isEqualTo(10);
  }
}
