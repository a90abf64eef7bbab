package io.asisim.sim.kernel;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.Cost;
import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;

/**
 * {@code KVM_RUN} on the host with the KVM ASI class (bjackman/linux RFC v2, "KVM: x86: asi:
 * Restricted address space for VM execution", 2025-01-10): {@code kvm_arch_vcpu_ioctl_run()} →
 * {@code vcpu_run()} → {@code vcpu_enter_guest()} → {@code svm_vcpu_enter_exit()} /
 * {@code vmx_vcpu_enter_exit()}, which {@code asi_enter(vcpu->kvm->arch.asi)} right before VM entry
 * and {@code asi_relax()} right after the exit. The exit is then handled in the restricted space,
 * which the handler leaves ({@code asi_exit()} through the ASI page fault) only when it touches
 * sensitive memory; the ioctl's return to user space exits ASI ({@code asi_exit()} at the end of
 * {@code kvm_arch_vcpu_ioctl_run()}: "ASI doesn't have the capability to transition directly from
 * the restricted address space to the user address space").
 *
 * <p>A guest is the VMM process: its guest memory is the VMM's anonymous memory, its vCPUs are
 * threads of it, so the memory of one guest is sensitive to every other process, guests included,
 * and the exposure scan and checker see a guest's vCPU reaching another guest's pages as they see
 * any process reaching another's. Exits ({@code Kernel.KVM_EXIT_*}):
 * <ul>
 *   <li>EPT violation: {@code kvm_tdp_page_fault()} → {@code __kvm_faultin_pfn()} →
 *       {@code hva_to_pfn()}: the VMM's page at {@code hva} is faulted in as a write
 *       ({@code handle_mm_fault()}: allocated, zeroed, mapped), then the SPTE is installed;
 *   <li>MSR or timer write on the fast path ({@code handle_fastpath_set_msr_irqoff()}), handled restricted;
 *   <li>HLT: {@code kvm_vcpu_halt()}: the vCPU thread sleeps until an interrupt for it
 *       ({@link #interrupt}) and the CPU runs another task;
 *   <li>I/O to a device the VMM emulates: {@code KVM_RUN} returns to user space;
 *   <li>an IPI to another vCPU ({@code kvm_apic_send_ipi()}): a halted target is woken
 *       ({@code kvm_vcpu_kick()} → {@code kvm_vcpu_wake_up()}); a target running its guest on another
 *       CPU gets a host IPI ({@code ipi-send}) and exits there (external interrupt, counted as
 *       {@code kvm_exits.external_interrupt}), handled restricted before it re-enters; a target
 *       switched out finds the interrupt pending.
 * </ul>
 * Every exit costs the profile's {@code vmexit} (the hardware entry and exit and the dispatch)
 * plus its handler. The EPT tables themselves, VPIDs and the guest's own TLB are not modelled
 * (docs/deviations.md).
 */
final class Kvm {
  /** Estimate: {@code kvm_vcpu_ioctl()} to the first VM entry (vcpu_load, the FPU swap, the run checks). */
  static final long RUN_IOCTL = 2000;
  /** Estimate: {@code kvm_tdp_page_fault()} beyond the host fault it causes: the page-table walk and SPTE install. */
  static final long EPT_MAP = 1500;
  /** Estimate: a fast-path MSR write ({@code handle_fastpath_set_msr_irqoff()}, e.g. the TSC deadline). */
  static final long MSR_FASTPATH = 300;
  /** Estimate: {@code kvm_vcpu_halt()} before the thread sleeps (halt polling off). */
  static final long HALT = 800;
  /** Estimate: filling {@code kvm_run} for user space and the return of the ioctl. */
  static final long IO_RETURN = 1000;
  /** Estimate: {@code kvm_apic_send_ipi()} → {@code kvm_irq_delivery_to_apic()} for one target. */
  static final long IPI_DELIVERY = 600;
  /** Estimate: a kicked vCPU's external-interrupt exit handler before it re-enters. */
  static final long KICK_HANDLER = 300;

  /** Per {@code Kernel.KVM_EXIT_*}, then the kicked target's exit. */
  private static final String[] REASONS = {"ept_violation", "msr", "hlt", "io", "ipi", "external_interrupt"};
  private static final int KICKED = 5;

  private final Machine machine;
  private final TaskTable tasks;
  private final Sched sched;
  private final Memory memory;
  private final Metrics metrics;
  private final long vmexit;
  private Counter entries;
  private Counter[] exits;
  private Counter total;
  private int siteKvmRun;

  Kvm(Machine machine, TaskTable tasks, Sched sched, Memory memory, Metrics metrics) {
    this.machine = machine;
    this.tasks = tasks;
    this.sched = sched;
    this.memory = memory;
    this.metrics = metrics;
    this.vmexit = machine.profile().get(Cost.VMEXIT);
  }

  /** Counters and the exit site, registered at the first VM entry so that runs without a guest report none. */
  private void register() {
    entries = metrics.counter(KernelMetrics.KVM_ENTRIES);
    exits = new Counter[REASONS.length];
    for (int i = 0; i < REASONS.length; i++) {
      exits[i] = metrics.counter(KernelMetrics.KVM_EXITS, REASONS[i]);
    }
    total = metrics.counter(KernelMetrics.KVM_EXITS);
    siteKvmRun = machine.asi().exitSite("kvm_run");
  }

  /**
   * One VM entry of vCPU thread {@code pid}, {@code guestCycles} in the guest and the exit that
   * ends it ({@code Kernel.KVM_EXIT_*}; {@code hva} is the VMM address an EPT violation faults in).
   * The first call issues the {@code KVM_RUN} ioctl; later ones continue its loop until an I/O
   * exit returns to user space.
   */
  void run(int pid, long guestCycles, int reason, long arg) {
    if (reason < 0 || reason >= KICKED) {
      throw new IllegalArgumentException("unknown KVM exit reason " + reason + " (valid: 0.." + (KICKED - 1) + ")");
    }
    if (reason == Kernel.KVM_EXIT_IPI && (arg == pid || !tasks.alive((int) arg) || !tasks.inKvmRun((int) arg))) {
      throw new IllegalArgumentException("IPI from pid " + pid + " to " + arg + ": the target must be another vCPU inside KVM_RUN");
    }
    if (guestCycles < 0) {
      throw new IllegalArgumentException("negative guest cycles " + guestCycles);
    }
    if (entries == null) {
      register();
    }
    int cpu;
    if (tasks.inKvmRun(pid)) {
      cpu = sched.resumeInKernel(pid);
    } else {
      cpu = sched.enter(pid); // the KVM_RUN ioctl
      machine.charge(cpu, RUN_IOCTL);
      tasks.setInKvmRun(pid, true);
    }
    AsiOps asi = machine.asi();
    asi.asiEnter(cpu, AsiOps.CLASS_KVM); // vmx/svm_vcpu_enter_exit(): the guest's domain
    entries.inc();
    machine.charge(cpu, guestCycles + vmexit); // the guest runs; VM entry, exit and dispatch
    asi.asiRelax(cpu); // after the exit: the handler runs restricted until it touches sensitive memory
    machine.kernelEntry(cpu);
    exits[reason].inc();
    total.inc();
    switch (reason) {
      case Kernel.KVM_EXIT_EPT_VIOLATION:
        memory.touch(cpu, tasks.mm(pid), arg, true); // hva_to_pfn(): the VMM's page, faulted in for write
        machine.charge(cpu, EPT_MAP);
        break;
      case Kernel.KVM_EXIT_MSR:
        machine.charge(cpu, MSR_FASTPATH);
        break;
      case Kernel.KVM_EXIT_HLT:
        machine.charge(cpu, HALT);
        sched.block(cpu, pid, TaskTable.WAIT_HLT);
        break;
      case Kernel.KVM_EXIT_IPI:
        machine.charge(cpu, IPI_DELIVERY);
        kick(cpu, (int) arg);
        break;
      default: // KVM_EXIT_IO
        machine.charge(cpu, IO_RETURN);
        asi.asiExit(cpu, AsiExitReason.MISC, siteKvmRun); // kvm_arch_vcpu_ioctl_run()'s asi_exit()
        tasks.setInKvmRun(pid, false);
        sched.returnToUser(cpu);
        break;
    }
  }

  /** {@code kvm_vcpu_kick()} of vCPU {@code target} by code on {@code cpu}. */
  private void kick(int cpu, int target) {
    if (tasks.state(target) == TaskTable.WAIT_HLT) {
      sched.wake(cpu, target, 0);
      return;
    }
    int tcpu = tasks.cpu(target);
    if (tasks.current(tcpu) == target && tcpu != cpu) { // in its guest there: a host IPI, an exit
      machine.charge(cpu, machine.profile().get(Cost.IPI_SEND));
      machine.charge(tcpu, vmexit + KICK_HANDLER);
      exits[KICKED].inc();
      total.inc();
    }
  }

  /**
   * An interrupt for halted vCPU {@code pid}, raised by code on {@code wakerCpu} (a timer, or
   * another vCPU's IPI): {@code kvm_vcpu_kick()} wakes the thread, which goes back into its guest
   * at its next {@link #run}.
   */
  void interrupt(int wakerCpu, int pid) {
    if (tasks.state(pid) != TaskTable.WAIT_HLT) {
      throw new IllegalStateException("pid " + pid + " is not halted in KVM_RUN");
    }
    sched.wake(wakerCpu, pid, 0);
  }
}
