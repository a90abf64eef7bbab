package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.plugin.Params;
import org.junit.jupiter.api.Test;

/** The acceptance scenarios of issue 3 around asi_enter / asi_exit, with hand-derived numbers. */
class AsiTransitionTest {
  private static final long SENSITIVE_PFN = 12000; // never made present in the restricted map

  private Metrics metrics;
  private X86Machine m;
  private int site;

  private void boot(String profile) {
    metrics = new Metrics();
    m = TestMachines.build(profile, 2, true, metrics);
    site = m.asi().exitSite("pagecache_read");
    long mm = m.addressSpaces().mmCreate(0);
    m.addressSpaces().switchMm(0, mm); // CR3 write #1 (new ASID: flushing)
    m.asi().asiEnter(0); // return to user: CR3 write #2
  }

  /** A syscall on a restricted CPU reads a sensitive frame through the direct map, then returns to user. */
  private long readSensitiveAndReturn() {
    long before = m.cycles(0);
    long pfn = m.tlb().access(0, AddressSpaces.directMapVa(SENSITIVE_PFN), false, site);
    assertThat(pfn).isEqualTo(SENSITIVE_PFN);
    m.asi().asiEnter(0);
    return m.cycles(0) - before;
  }

  @Test
  void restrictedAccessToSensitiveFrameUnderForcedIbpb() {
    boot("sapphire-rapids-ibpb");
    assertThat(metrics.get("cr3_writes")).isEqualTo(2);
    long cycles = readSensitiveAndReturn();

    assertThat(metrics.get("asi_exits")).isEqualTo(1);
    assertThat(metrics.get("asi_exits.page_fault")).isEqualTo(1);
    assertThat(metrics.get("asi_exit_sites.pagecache_read")).isEqualTo(1);
    // exit writes the unrestricted CR3, return to user writes the restricted one
    assertThat(metrics.get("cr3_writes")).isEqualTo(2 + 2);
    assertThat(metrics.get("asi_enters")).isEqualTo(2);
    // exit: USER_CONTROL (set by the first enter) is a control taint -> IBPB + RSB fill;
    // re-enter: no GUEST/OTHER_MM_CONTROL taint -> no IBPB; KERNEL_DATA is due but SPR is not L1TF-affected
    assertThat(metrics.get("ibpb")).isEqualTo(1);
    assertThat(metrics.get("rsb_fills")).isEqualTo(1);
    assertThat(metrics.get("l1d_flushes")).isEqualTo(0);
    // IBPB 4000 plus ibpb-after 340 (cold indirect predictors), RSB 70
    assertThat(metrics.get("mitigation_cycles")).isEqualTo(4000 + 340 + 70);
    // restricted walk: PGD, PUD present, PMD empty = 3 levels x 15; #PF 1000; IBPB 4000 + 340 + RSB 70 +
    // CR3 200; the flushing exit CR3 write dropped kern_pcid: kernel footprint refill of 24 data + 8
    // text translations x (3 x 15 + 15, PTE lines in L2) = 1920; unrestricted walk of a 2M leaf:
    // 3 x 15; asi_enter: CR3 200
    assertThat(cycles).isEqualTo(45 + 1000 + 4340 + 70 + 200 + 1920 + 45 + 200);
    assertThat(metrics.get("tlb_refills_kernel")).isEqualTo(32 + 32); // boot switch_mm + after the exit
    // two TLB misses: the restricted lookup and the retry after the exit
    assertThat(metrics.get("tlb_misses")).isEqualTo(2);
    assertThat(m.asi().isRestricted(0)).isTrue();
    assertThat(m.asi().taints(0)).isEqualTo(AsiOps.TAINT_USER_CONTROL | AsiOps.TAINT_USER_DATA);
  }

  @Test
  void noIbpbWhenIbpbIsDisabled() {
    boot("sapphire-rapids"); // clearcpuid=ibpb
    long cycles = readSensitiveAndReturn();
    assertThat(metrics.get("asi_exits.page_fault")).isEqualTo(1);
    assertThat(metrics.get("ibpb")).isZero();
    assertThat(metrics.get("rsb_fills")).isEqualTo(1);
    assertThat(cycles).isEqualTo(45 + 1000 + 70 + 200 + 1920 + 45 + 200); // 1920: kernel refill after the exit
  }

  @Test
  void ibpbOnlyWhenTaintsDemandIt() {
    boot("zen4");
    // first asi_enter on a clean CPU: no taint is due, so no IBPB and no RSB fill
    assertThat(metrics.get("ibpb")).isZero();
    assertThat(metrics.get("rsb_fills")).isZero();
    readSensitiveAndReturn();
    // exit: USER_CONTROL is due -> 1 IBPB; re-enter: no GUEST/OTHER_MM_CONTROL -> none
    assertThat(metrics.get("ibpb")).isEqualTo(1);
    assertThat(metrics.get("rsb_fills")).isEqualTo(1);
    // a second asi_exit while already unrestricted does nothing at all
    m.asi().asiExit(0, AsiExitReason.MISC, site);
    m.asi().asiExit(0, AsiExitReason.MISC, site);
    assertThat(metrics.get("ibpb")).isEqualTo(2);
    assertThat(metrics.get("asi_exits")).isEqualTo(2);
    assertThat(metrics.get("asi_exits.misc")).isEqualTo(1);
  }

  @Test
  void forcedIbpbDoesNotDependOnTheIbpbFeature() {
    // the RFC benchmark build with X86_FEATURE_IBPB cleared still issues its hard-coded IBPB
    metrics = new Metrics();
    var plugin = TestMachines.plugin("sapphire-rapids-ibpb");
    m = TestMachines.build(plugin.build(Params.of(plugin, "needs-ibpb", "false")), 2, true, metrics);
    site = m.asi().exitSite("pagecache_read");
    long mm = m.addressSpaces().mmCreate(0);
    m.addressSpaces().switchMm(0, mm);
    m.asi().asiEnter(0);
    readSensitiveAndReturn();
    m.asi().asiExit(0, AsiExitReason.USER_RET, site);
    assertThat(metrics.get("asi_exits")).isEqualTo(2);
    assertThat(metrics.get("ibpb")).isEqualTo(2);
    assertThat(metrics.get("asi_exits.user_ret")).isEqualTo(1);
    assertThat(metrics.get("asi_exit_sites.pagecache_read")).isEqualTo(2);
  }

  @Test
  void l1dFlushOnEnterOnlyOnL1tfCpus() {
    boot("skylake-l1tf");
    readSensitiveAndReturn();
    // exit set KERNEL_DATA, which protect_data covers -> one L1D flush on the re-enter
    assertThat(metrics.get("l1d_flushes")).isEqualTo(1);
    assertThat(metrics.get("ibpb")).isEqualTo(1);
    boot("sapphire-rapids");
    readSensitiveAndReturn();
    assertThat(metrics.get("l1d_flushes")).isZero();
  }

  @Test
  void mmSwitchFoldsTaintsIntoOtherMm() {
    boot("zen4");
    long mm2 = m.addressSpaces().mmCreate(0);
    m.asi().asiExit(0, AsiExitReason.CONTEXT_SWITCH, m.asi().exitSite("context_switch"));
    // after exit: KERNEL_DATA (control scrubbed); switch folds data taints into OTHER_MM_DATA
    m.addressSpaces().switchMm(0, mm2);
    assertThat(m.asi().taints(0)).isEqualTo(AsiOps.TAINT_KERNEL_DATA | AsiOps.TAINT_OTHER_MM_DATA);
    m.asi().asiEnter(0);
    assertThat(m.asi().taints(0)).isEqualTo(AsiOps.TAINT_USER_CONTROL | AsiOps.TAINT_USER_DATA);
    // the exit already scrubbed the control taints, so entering the new mm needs no IBPB (as the
    // comment in asi_handle_switch_mm() says, the folding is moot while switches exit ASI)
    assertThat(metrics.get("ibpb")).isEqualTo(1);
    assertThat(metrics.get("asi_exits.context_switch")).isEqualTo(1);
    assertThat(metrics.get("asi_exit_sites.context_switch")).isEqualTo(1);
  }

  @Test
  void asiOffIsANoOp() {
    metrics = new Metrics();
    m = TestMachines.build("sapphire-rapids-ibpb", 2, false, metrics);
    long mm = m.addressSpaces().mmCreate(0);
    m.addressSpaces().switchMm(0, mm);
    m.asi().asiEnter(0);
    assertThat(m.asi().isRestricted(0)).isFalse();
    assertThat(m.tlb().access(0, AddressSpaces.directMapVa(SENSITIVE_PFN), true, 0)).isEqualTo(SENSITIVE_PFN);
    assertThat(metrics.get("asi_exits")).isZero();
    assertThat(metrics.get("cr3_writes")).isEqualTo(1);
  }

  @Test
  void restrictedAccessToNonsensitiveFrameDoesNotExit() {
    boot("sapphire-rapids");
    m.setRestrictedMapped(0, 10240, 512, true);
    assertThat(m.tlb().access(0, AddressSpaces.directMapVa(10300), false, site)).isEqualTo(10300);
    assertThat(m.tlb().access(0, AddressSpaces.directMapVa(10700), false, site)).isEqualTo(10700);
    assertThat(metrics.get("asi_exits")).isZero();
    // one 2M restricted entry serves both: 1 miss (4-level walk to the PMD leaf: 3 levels), 1 hit
    assertThat(metrics.get("tlb_misses")).isEqualTo(1);
    assertThat(m.tlb().access(0, 0x1000, false, site)).isEqualTo(TlbOps.FAULT);
    assertThat(metrics.get("asi_exits")).isZero(); // user address unmapped: a real fault, no exit
  }
}
