package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.plugin.Params;
import io.asisim.x86.profile.SapphireRapidsProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The costs a KVM guest adds ({@link KvmGuest}), hand-checked against sapphire-rapids: vmexit
 * 1200, nested-walk-level 15, page-walk-level 15, ipi-send 300, ipi-target 1500, INVLPG 150,
 * INVPCID 200.
 */
class KvmGuestTest {
  private static final long USER_VA = 0x400000L;
  private static final long PFN = 12000;

  private Metrics metrics;
  private X86Machine m;
  private long mm;

  private void boot(int cpus, boolean asi, Virt virt) {
    metrics = new Metrics();
    m = TestMachines.build("sapphire-rapids", 64L << 20, cpus, asi, X86Options.DEFAULT.withVirt(virt), metrics);
    mm = m.addressSpaces().mmCreate(0);
    assertThat(m.addressSpaces().mapUser(0, mm, USER_VA, PFN, true)).isTrue();
  }

  private static Virt kvm(String leaf, boolean apicVirtualized, boolean pv) {
    return new Virt(true, Virt.leafShift(leaf), apicVirtualized, pv);
  }

  private long nestedBefore;

  /** Cycles of the first (missing) access to the user page on CPU 0. */
  private long missCycles() {
    m.addressSpaces().switchMm(0, mm); // refills the kernel footprint: not part of the access
    nestedBefore = metrics.get("nested_walk_cycles");
    long t0 = m.cycles(0);
    long misses = metrics.get("tlb_misses");
    assertThat(m.tlb().access(0, USER_VA, false, 0)).isEqualTo(PFN);
    assertThat(metrics.get("tlb_misses")).isEqualTo(misses + 1);
    return m.cycles(0) - t0;
  }

  @ParameterizedTest
  @CsvSource({"4k, 300", "2m, 225", "1g, 150"})
  void aGuestWalkAlsoReadsTheHostTables(String leaf, long host) {
    boot(1, false, Virt.NONE);
    long bare = missCycles();
    assertThat(bare).isEqualTo(4 * 15); // four guest levels
    assertThat(metrics.all()).doesNotContainKeys("vm_exits", "nested_walk_cycles");
    boot(1, false, kvm(leaf, false, true));
    // (4 guest levels + the data's address) x 4, 3 or 2 host levels, 15 cycles each: 24 references in all for 4k
    assertThat(missCycles()).isEqualTo(bare + host);
    assertThat(metrics.get("nested_walk_cycles") - nestedBefore).isEqualTo(host);
    assertThat(metrics.get("vm_exits")).isZero();
  }

  @ParameterizedTest
  @CsvSource({
    // targets, apic virtualized, pv-send-ipi, sender exits, exits per target
    "1, false, true, 1, 1", // one target: an ICR write even with PV IPIs
    "1, true, true, 0, 0", // IPI virtualization: posted, no exits
    "3, false, true, 1, 1", // one KVM_HC_SEND_IPI for the mask
    "3, false, false, 3, 1", // one ICR write per target
    "3, true, false, 0, 0",
    "3, true, true, 1, 0", // the hypercall exits even with a virtualized APIC
  })
  void shootdownExits(int targets, boolean apicVirtualized, boolean pv, int senderExits, int perTarget) {
    boot(4, true, kvm("2m", apicVirtualized, pv));
    CpuMask mask = new CpuMask();
    for (int c = 1; c <= targets; c++) {
      m.addressSpaces().switchMm(c, mm);
      m.tlb().access(c, USER_VA, false, 0);
      mask.set(c);
    }
    long[] before = new long[4];
    for (int c = 0; c < 4; c++) {
      before[c] = m.cycles(c);
    }
    m.tlb().shootdown(0, mask, mm, USER_VA, 1);
    assertThat(metrics.get("tlb_shootdown_ipis")).isEqualTo(targets);
    long target = 1500 + perTarget * 1200L + 150 + 200; // as TlbFlushTest, plus the delivery exit
    for (int c = 1; c <= targets; c++) {
      assertThat(m.cycles(c) - before[c]).isEqualTo(target);
    }
    assertThat(m.cycles(0) - before[0]).isEqualTo(300L * targets + senderExits * 1200L + target);
    assertThat(metrics.get("vm_exits.ipi_send")).isEqualTo(senderExits);
    assertThat(metrics.get("vm_exits.ipi_deliver")).isEqualTo((long) perTarget * targets);
    assertThat(metrics.get("vm_exits")).isEqualTo(senderExits + (long) perTarget * targets);
    assertThat(metrics.get("vm_exit_cycles")).isEqualTo(1200L * metrics.get("vm_exits"));
  }

  @Test
  void pvIpisTakeOneHypercallPerBitmapOf128ApicIds() {
    boot(130, true, kvm("2m", false, true));
    CpuMask mask = new CpuMask();
    for (int c : new int[] {1, 100, 128, 129}) {
      m.addressSpaces().switchMm(c, mm);
      mask.set(c);
    }
    // __send_ipi_mask() opens a bitmap at the first ID and starts another at the first ID 128 or
    // more above it: {1, 100, 128} and {129}
    m.tlb().shootdown(0, mask, mm, USER_VA, 1);
    assertThat(metrics.get("vm_exits.ipi_send")).isEqualTo(2);
    assertThat(metrics.get("vm_exits.ipi_deliver")).isEqualTo(4);
    // {100, 129}: one bitmap, though the IDs straddle a multiple of 128
    CpuMask two = CpuMask.of(100, 129);
    m.tlb().shootdown(0, two, mm, USER_VA, 1);
    assertThat(metrics.get("vm_exits.ipi_send")).isEqualTo(3);
  }

  /**
   * 4 vCPUs, preempted half the time in 1 us slices (2000 cycles at 2 GHz, a period of 4000): at
   * a sender time that is a multiple of the period vCPU 3's slice (starting 3000 into the period)
   * has run 1000 cycles, vCPUs 1 and 2 run. With PV TLB flush vCPU 3 gets no IPI and the host's
   * flush of its whole TLB (invpcid-all, 600); without it the sender waits 1000 cycles more for it.
   */
  @ParameterizedTest
  @CsvSource({"true, 2, 1, 0", "false, 3, 0, 1000"})
  void aPreemptedTargetIsDeferredOrWaitedFor(boolean pvTlbFlush, int ipis, int deferred, long wait) {
    boot(4, true, new Virt(true, 21, false, true, 50, 1, pvTlbFlush));
    CpuMask mask = CpuMask.of(1, 2, 3);
    for (int c = 1; c <= 3; c++) {
      m.addressSpaces().switchMm(c, mm);
      m.tlb().access(c, USER_VA, false, 0);
    }
    m.charge(0, 4000 - m.cycles(0) % 4000);
    long[] before = new long[4];
    for (int c = 0; c < 4; c++) {
      before[c] = m.cycles(c);
    }
    m.tlb().shootdown(0, mask, mm, USER_VA, 1);
    long target = 1500 + 1200 + 150 + 200; // as shootdownExits: delivery exit, INVLPG + INVPCID
    assertThat(metrics.get("tlb_shootdown_ipis")).isEqualTo(ipis);
    assertThat(metrics.get("tlb_flushes_deferred")).isEqualTo(deferred);
    assertThat(metrics.get("preempted_ipi_waits")).isEqualTo(wait > 0 ? 1 : 0);
    assertThat(metrics.get("preempted_ipi_wait_cycles")).isEqualTo(wait);
    assertThat(m.cycles(3) - before[3]).isEqualTo(pvTlbFlush ? 600 : target); // invpcid-all 600
    // one KVM_HC_SEND_IPI either way, then the wait for the slowest target
    assertThat(m.cycles(0) - before[0]).isEqualTo(300L * ipis + 1200 + target + wait);
    long misses = metrics.get("tlb_misses");
    m.tlb().access(3, USER_VA, false, 0);
    assertThat(metrics.get("tlb_misses")).isEqualTo(misses + 1); // flushed either way
  }

  @Test
  void aTickIsTwoExitsInAGuestAndNothingOnBareMetal() {
    boot(1, true, kvm("2m", true, true));
    long t0 = m.cycles(0);
    m.timerInterrupt(0);
    assertThat(m.cycles(0) - t0).isEqualTo(2 * 1200);
    assertThat(metrics.get("vm_exits.timer")).isEqualTo(1);
    assertThat(metrics.get("vm_exits.tsc_deadline")).isEqualTo(1);
    boot(1, true, Virt.NONE);
    t0 = m.cycles(0);
    m.timerInterrupt(0);
    assertThat(m.cycles(0)).isEqualTo(t0);
    assertThat(metrics.all()).doesNotContainKey("vm_exits");
  }

  @Test
  void aProfileMeasuredInAGuestIsNotRunAsOne() {
    SapphireRapidsProfile plugin = new SapphireRapidsProfile();
    io.asisim.api.machine.CpuProfile measured = plugin.build(Params.of(plugin, "measured-in-guest", "true"));
    X86Options guest = X86Options.DEFAULT.withVirt(kvm("2m", false, true));
    assertThatThrownBy(() -> new X86Machine(new MachineConfig(64L << 20, 1, true), measured, new Metrics(), guest))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("measured inside a guest");
    new X86Machine(new MachineConfig(64L << 20, 1, true), measured, new Metrics(), X86Options.DEFAULT);
  }

  @Test
  void hostLevelsAndLeafNames() {
    assertThat(kvm("4k", false, true).hostReferences(4)).isEqualTo(20); // + 4 guest = 24
    assertThat(kvm("1g", false, true).hostReferences(3)).isEqualTo(8);
    assertThat(Virt.NONE.hostReferences(4)).isZero();
    assertThat(Virt.leafName(Virt.leafShift("1g"))).isEqualTo("1g");
    assertThatThrownBy(() -> Virt.leafShift("8k")).hasMessageContaining("valid values are 4k, 2m, 1g");
  }
}
