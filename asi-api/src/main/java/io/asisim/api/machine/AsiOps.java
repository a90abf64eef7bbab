package io.asisim.api.machine;

/**
 * The ASI core of arch/x86/mm/asi.c (bjackman/linux): per-CPU {@code curr_asi} and
 * {@code asi_taints}, the current task's target domain, {@code asi_enter} / {@code asi_relax} /
 * {@code asi_exit}. The only ASI class modelled is {@code ASI_CLASS_USERSPACE}: the target of a CPU
 * is the restricted address space of the mm loaded on it. When ASI is off
 * ({@link MachineConfig#asi()} false) every call is a no-op, as when {@code X86_FEATURE_ASI} is
 * clear.
 */
public interface AsiOps {
  /** {@code ASI_TAINT_KERNEL_DATA}: kernel data may sit in sidechannels. */
  int TAINT_KERNEL_DATA = 1;
  /** {@code ASI_TAINT_USER_DATA}. */
  int TAINT_USER_DATA = 1 << 1;
  /** {@code ASI_TAINT_GUEST_DATA}. */
  int TAINT_GUEST_DATA = 1 << 2;
  /** {@code ASI_TAINT_OTHER_MM_DATA}. */
  int TAINT_OTHER_MM_DATA = 1 << 3;
  /** {@code ASI_TAINT_USER_CONTROL}: user space may have trained the branch predictors. */
  int TAINT_USER_CONTROL = 1 << 4;
  /** {@code ASI_TAINT_GUEST_CONTROL}. */
  int TAINT_GUEST_CONTROL = 1 << 5;
  /** {@code ASI_TAINT_OTHER_MM_CONTROL}. */
  int TAINT_OTHER_MM_CONTROL = 1 << 6;
  /** {@code ASI_TAINTS_CONTROL_MASK}. */
  int TAINTS_CONTROL_MASK = TAINT_USER_CONTROL | TAINT_GUEST_CONTROL | TAINT_OTHER_MM_CONTROL;
  /** {@code ASI_TAINTS_DATA_MASK}. */
  int TAINTS_DATA_MASK = TAINT_KERNEL_DATA | TAINT_USER_DATA | TAINT_OTHER_MM_DATA;

  /** {@code ASI_CLASS_USERSPACE}: the domain user code of the loaded mm runs in. */
  int CLASS_USERSPACE = 0;
  /**
   * {@code ASI_CLASS_KVM}: the domain a vCPU thread of the loaded mm (the VMM) runs its guest in
   * ({@code kvm->arch.asi}, bjackman/linux RFC v2 "KVM: x86: asi: Restricted address space for VM
   * execution").
   */
  int CLASS_KVM = 1;

  /** The site id of exits no caller attributed, counted as {@code asi_exit_sites.unknown}. */
  int SITE_UNKNOWN = 0;

  /**
   * Resolves an exit site name (e.g. {@code pagecache_read}) to an id, registering the counter
   * {@code asi_exit_sites.<name>}. Call once at setup and keep the id; ids are small ints.
   */
  int exitSite(String name);

  /**
   * {@code asi_enter_userspace()}: sets the task's target to the loaded mm's restricted domain and
   * runs {@code __asi_enter()}: if not already there, {@code maybe_flush_control} (IBPB + RSB fill
   * when taints in the class's {@code prevent_control} are set and the CPU needs them), the CR3
   * write, {@code maybe_flush_data} (L1D flush when {@code protect_data} taints are set on an
   * L1TF-affected CPU), then the class's taints ({@code USER_CONTROL | USER_DATA}).
   */
  void asiEnter(int cpu);

  /**
   * {@code asi_enter()} of the loaded mm's domain of class {@code asiClass}
   * ({@link #CLASS_USERSPACE}: {@link #asiEnter(int)}; {@link #CLASS_KVM}: {@code asi_enter(vcpu->kvm->arch.asi)}
   * before VM entry), with that class's taint policy. From the other class's restricted space it
   * switches address spaces without an exit. This default knows only the userspace class.
   */
  default void asiEnter(int cpu, int asiClass) {
    if (asiClass != CLASS_USERSPACE) {
      throw new UnsupportedOperationException("ASI class " + asiClass + " is not modelled by this machine");
    }
    asiEnter(cpu);
  }

  /** The class of the domain {@code cpu} is in or targets ({@link #CLASS_USERSPACE} by default). */
  default int asiClass(int cpu) {
    return CLASS_USERSPACE;
  }

  /**
   * {@code __asi_enter()} on its own: re-enters the target if the CPU is not in it (e.g. after an
   * interrupt exited); does nothing without a target.
   */
  void asiReenter(int cpu);

  /** {@code asi_relax()}: ends the critical section, clearing the task's target. Stays restricted. */
  void asiRelax(int cpu);

  /**
   * {@code asi_exit()}: if restricted, {@code maybe_flush_control(NULL)} (IBPB + RSB fill when any
   * control taint is set; the {@link CpuTrait#IBPB_ON_EVERY_EXIT} trait issues the IBPB always),
   * sets {@code ASI_TAINT_KERNEL_DATA}, writes the unrestricted CR3. Counts {@code asi_exits},
   * {@code asi_exits.<reason>} and {@code asi_exit_sites.<site>}. No-op when unrestricted.
   */
  void asiExit(int cpu, AsiExitReason reason, int site);

  /** Whether {@code curr_asi} of {@code cpu} is set (the restricted CR3 is loaded). */
  boolean isRestricted(int cpu);

  /** Whether the task on {@code cpu} has a target domain (is in its critical section). */
  boolean hasTarget(int cpu);

  /** The {@code asi_taints} bitmask of {@code cpu} ({@code TAINT_*} bits). */
  int taints(int cpu);

  /** Whether ASI is on for this machine ({@code X86_FEATURE_ASI}). */
  boolean enabled();
}
