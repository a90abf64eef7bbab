package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The KVM ASI class on the host ({@link Kvm}), hand-checked: what each VM entry and exit costs in
 * ASI transitions and mitigations under the class's taint policy ({@code protect_data =
 * KERNEL_DATA | OTHER_MM_DATA | USER_DATA}, {@code prevent_control = OTHER_MM_CONTROL},
 * {@code set = GUEST_DATA | GUEST_CONTROL}). zen4 issues IBPB and RSB fills but has no L1TF;
 * skylake-l1tf also flushes L1D. The VMMs run on CPU 1, the vCPUs on CPU 0.
 */
class KvmTest {
  private static final PluginRegistry REG = PluginRegistry.discover();
  private SimKernel k;
  private Metrics m;
  private Machine machine;
  private int vmmA;
  private int vmmB;
  private int vA;
  private int vB;
  private long ramA;
  private final Map<String, Long> before = new java.util.TreeMap<>();

  private void boot(String profile) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.CPU_PROFILE, profile);
    VariantConfig c = new VariantConfig(new MachineConfig(128L << 20, 2, true), sel, Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, REG));
    k = inj.getInstance(SimKernel.class);
    m = inj.getInstance(Metrics.class);
    machine = inj.getInstance(Machine.class);
    vmmA = k.spawn();
    ramA = k.mmapAnon(vmmA, 4);
    vA = k.cloneThread(vmmA);
    vmmB = k.spawn();
    k.mmapAnon(vmmB, 4);
    vB = k.cloneThread(vmmB);
    for (int p : new int[] {vmmA, vmmB}) {
      if (k.cpuOf(p) != 1) {
        k.migrate(p, 1);
      }
    }
    for (int p : new int[] {vA, vB}) {
      if (k.cpuOf(p) != 0) {
        k.migrate(p, 0);
      }
    }
  }

  private void mark() {
    for (String n : new String[] {"asi_enters", "asi_exits", "cr3_writes", "ibpb", "rsb_fills", "l1d_flushes",
        "asi_exits.context_switch", "context_switches", "syscalls", "kvm_entries"}) {
      before.put(n, m.get(n));
    }
  }

  private long delta(String n) {
    return m.get(n) - before.get(n);
  }

  @Test
  void consecutiveEntriesOfOneVcpuStayInTheGuestsDomain() {
    boot("zen4");
    k.kvmRun(vA, 1000, Kernel.KVM_EXIT_MSR, 0); // the KVM_RUN ioctl, then the first entry
    assertThat(machine.asi().asiClass(0)).isEqualTo(AsiOps.CLASS_KVM);
    mark();
    long t0 = machine.cycles(0);
    k.kvmRun(vA, 1000, Kernel.KVM_EXIT_MSR, 0);
    // __asi_enter() finds the CPU in the target's domain: no CR3 write, no mitigation
    assertThat(delta("asi_enters") + delta("asi_exits") + delta("cr3_writes") + delta("ibpb")).isZero();
    assertThat(delta("kvm_entries")).isEqualTo(1);
    assertThat(delta("syscalls")).isZero(); // still inside the one ioctl
    // 1000 guest cycles + vmexit 1500 (zen4) + the fast-path MSR handler 300
    assertThat(machine.cycles(0) - t0).isEqualTo(1000 + 1500 + Kvm.MSR_FASTPATH);
  }

  @ParameterizedTest
  @CsvSource({"zen4, 0", "skylake-l1tf, 2"})
  void anIoExitReturnsToTheVmmThroughAnAsiExit(String profile, long l1dFlushes) {
    boot(profile);
    k.kvmRun(vA, 1000, Kernel.KVM_EXIT_MSR, 0);
    mark();
    k.kvmRun(vA, 1000, Kernel.KVM_EXIT_IO, 0);
    k.runUser(vA, 5000); // the VMM emulates the device
    k.kvmRun(vA, 1000, Kernel.KVM_EXIT_MSR, 0); // KVM_RUN again
    // asi_exit() at the end of KVM_RUN: the guest's GUEST_CONTROL taint costs IBPB + RSB fill
    assertThat(delta("asi_exits")).isEqualTo(1);
    assertThat(m.get("asi_exit_sites.kvm_run")).isEqualTo(1);
    assertThat(delta("ibpb")).isEqualTo(1);
    assertThat(delta("rsb_fills")).isEqualTo(1);
    // asi_enter_userspace() for the VMM, then the switch to the KVM class at the next VM entry
    assertThat(delta("asi_enters")).isEqualTo(2);
    assertThat(delta("cr3_writes")).isEqualTo(3);
    assertThat(delta("syscalls")).isEqualTo(1);
    // L1TF parts flush L1D twice: entering user space after the exit (KERNEL_DATA), and entering
    // the guest after the VMM ran (USER_DATA, KVM's protect_data)
    assertThat(delta("l1d_flushes")).isEqualTo(l1dFlushes);
  }

  @ParameterizedTest
  @CsvSource({"zen4, 0", "skylake-l1tf, 2"})
  void aHaltSwitchesTheCpuToTheOtherGuestsVcpu(String profile, long l1dFlushes) {
    boot(profile);
    k.kvmRun(vB, 1000, Kernel.KVM_EXIT_MSR, 0);
    k.kvmRun(vB, 1000, Kernel.KVM_EXIT_HLT, 0); // vB sleeps; CPU 0 runs vA
    assertThat(k.kvmHalted(vB)).isTrue();
    long faults = m.get("anon_faults");
    k.kvmRun(vA, 1000, Kernel.KVM_EXIT_EPT_VIOLATION, ramA); // backs a page of guest A
    assertThat(m.get("kvm_exits.ept_violation")).isEqualTo(1);
    assertThat(m.get("anon_faults") - faults).isEqualTo(1); // hva_to_pfn(): the VMM's page faulted in
    k.kvmInterrupt(1, vB);
    assertThat(k.kvmHalted(vB)).isFalse();
    // zeroing the new page of guest A (the exit mapper) left the restricted space: vA's next
    // entry re-enters it
    assertThat(machine.asi().isRestricted(0)).isFalse();
    mark();
    k.kvmRun(vA, 1000, Kernel.KVM_EXIT_HLT, 0); // vA halts: CPU 0 switches to vB, inside its KVM_RUN
    k.kvmRun(vB, 1000, Kernel.KVM_EXIT_MSR, 0);
    // the switch exits ASI (exit-always): GUEST_CONTROL of guest A costs IBPB + RSB fill there;
    // switch_mm folds the KERNEL_DATA taint into OTHER_MM_DATA, which guest B's entry must scrub
    assertThat(delta("context_switches")).isEqualTo(1);
    assertThat(delta("asi_exits.context_switch")).isEqualTo(1);
    assertThat(delta("asi_exits")).isEqualTo(1);
    assertThat(delta("ibpb")).isEqualTo(1);
    assertThat(delta("rsb_fills")).isEqualTo(1);
    // vA's entry, then vB's straight into B's KVM domain (no return to user space); on L1TF parts
    // each scrubs L1D: KERNEL_DATA from the zeroing exit, then OTHER_MM_DATA after the switch
    assertThat(delta("asi_enters")).isEqualTo(2);
    assertThat(delta("l1d_flushes")).isEqualTo(l1dFlushes);
    assertThat(delta("syscalls")).isZero();
    assertThat(machine.asi().asiClass(0)).isEqualTo(AsiOps.CLASS_KVM);
  }

  @Test
  void anIpiKicksARunningVcpuOutOfItsGuestAndWakesAHaltedOne() {
    boot("zen4");
    int vA2 = k.cloneThread(vmmA);
    if (k.cpuOf(vA2) != 1) {
      k.migrate(vA2, 1);
    }
    k.kvmRun(vA2, 1000, Kernel.KVM_EXIT_MSR, 0); // in guest A on CPU 1
    k.kvmRun(vA, 1000, Kernel.KVM_EXIT_MSR, 0); // in guest A on CPU 0
    long t0 = machine.cycles(0);
    long t1 = machine.cycles(1);
    k.kvmRun(vA, 1000, Kernel.KVM_EXIT_IPI, vA2);
    // sender: guest 1000 + vmexit 1500 + kvm_apic_send_ipi() + the host IPI (ipi-send 300, zen4)
    assertThat(machine.cycles(0) - t0).isEqualTo(1000 + 1500 + Kvm.IPI_DELIVERY + 300);
    // target: kicked out of its guest, an exit handled restricted (no ASI transition)
    assertThat(machine.cycles(1) - t1).isEqualTo(1500 + Kvm.KICK_HANDLER);
    assertThat(m.get("kvm_exits.ipi")).isEqualTo(1);
    assertThat(m.get("kvm_exits.external_interrupt")).isEqualTo(1);
    k.kvmRun(vA2, 1000, Kernel.KVM_EXIT_HLT, 0);
    assertThat(k.kvmHalted(vA2)).isTrue();
    long wakeups = m.get("wakeups");
    k.kvmRun(vA, 1000, Kernel.KVM_EXIT_IPI, vA2); // kvm_vcpu_kick() of a halted vCPU: a wake-up
    assertThat(k.kvmHalted(vA2)).isFalse();
    assertThat(m.get("wakeups") - wakeups).isEqualTo(1);
    assertThat(m.get("kvm_exits.external_interrupt")).isEqualTo(1);
    assertThatThrownBy(() -> k.kvmRun(vA, 1000, Kernel.KVM_EXIT_IPI, vmmB))
        .hasMessageContaining("the target must be another vCPU inside KVM_RUN");
  }

  @Test
  void aVcpuInsideKvmRunCannotMakeOtherSystemCalls() {
    boot("zen4");
    k.kvmRun(vA, 1000, Kernel.KVM_EXIT_MSR, 0);
    assertThatThrownBy(() -> k.mmapAnon(vA, 1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inside KVM_RUN");
    assertThatThrownBy(() -> k.kvmRun(vA, 1000, 7, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown KVM exit reason 7");
    assertThatThrownBy(() -> k.kvmInterrupt(0, vA)).hasMessageContaining("not halted");
  }
}
