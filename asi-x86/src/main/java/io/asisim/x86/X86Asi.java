package io.asisim.x86;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ASI core of arch/x86/mm/asi.c (bjackman/linux): {@code __asi_enter()},
 * {@code asi_enter()}, {@code asi_relax()}, {@code asi_exit()}, {@code maybe_flush_control()},
 * {@code maybe_flush_data()}, {@code asi_handle_switch_mm()}, with the taint policy of
 * {@code asi_init_userspace_class()}: {@code protect_data = KERNEL_DATA | OTHER_MM_DATA},
 * {@code prevent_control = GUEST_CONTROL | OTHER_MM_CONTROL}, {@code set = USER_CONTROL |
 * USER_DATA}. Whether a due mitigation is issued depends on the CPU: IBPB only with
 * {@code NEEDS_IBPB} ({@code cpu_feature_enabled(X86_FEATURE_IBPB)}), the RSB fill only with
 * {@code NEEDS_RSB_FILL}, the L1D flush only on L1TF-affected CPUs ({@code do_l1tf_flush}); the
 * {@code IBPB_ON_EVERY_EXIT} trait models the benchmark build with an IBPB hard-coded into
 * {@code asi_exit()}. The KVM class ({@code kvm_x86_init_asi_class()}, RFC v2 "KVM: x86: asi:
 * Restricted address space for VM execution") has {@code protect_data = KERNEL_DATA | OTHER_MM_DATA
 * | USER_DATA}, {@code prevent_control = OTHER_MM_CONTROL}, {@code set = GUEST_DATA |
 * GUEST_CONTROL} (the kernel leaves {@code GUEST_CONTROL} out only when IBPB-on-VM-exit, retpolines
 * and RSB-on-VM-exit are all in force, which no modelled profile declares). Both classes of an mm
 * share its restricted page tables and PCID here (the kernel gives each class its own PGD and
 * PCID, docs/deviations.md): a switch from one class's restricted space to the other's is a CR3
 * write without an exit.
 *
 * <p>{@code curr_asi}, the target and {@code asi_taints} live in the shared {@link CpuTlbState}
 * (the MMU path and {@code switch_mm_irqs_off()} read them there); this class is their only writer
 * apart from {@link #handleSwitchMm}, which {@link X86Cr3#switchMm} calls as the kernel does.
 */
final class X86Asi implements AsiOps {
  /** {@code asi_init_userspace_class()}: taints that must be scrubbed before entering. */
  static final int USER_PROTECT_DATA = TAINT_KERNEL_DATA | TAINT_OTHER_MM_DATA;
  /** {@code asi_init_userspace_class()}: control taints the class is protected from. */
  static final int USER_PREVENT_CONTROL = TAINT_GUEST_CONTROL | TAINT_OTHER_MM_CONTROL;
  /** {@code asi_init_userspace_class()}: taints set on entering. */
  static final int USER_SET = TAINT_USER_CONTROL | TAINT_USER_DATA;

  /** {@code kvm_x86_init_asi_class()}: taints scrubbed before entering a guest. */
  static final int KVM_PROTECT_DATA = TAINT_KERNEL_DATA | TAINT_OTHER_MM_DATA | TAINT_USER_DATA;
  /** {@code kvm_x86_init_asi_class()}: control taints the guest is protected from. */
  static final int KVM_PREVENT_CONTROL = TAINT_OTHER_MM_CONTROL;
  /** {@code kvm_x86_init_asi_class()}: taints set on entering the guest. */
  static final int KVM_SET = TAINT_GUEST_DATA | TAINT_GUEST_CONTROL;
  /** Per class ({@code CLASS_*}): {@code protect_data}, {@code prevent_control}, {@code set}. */
  private static final int[] PROTECT_DATA = {USER_PROTECT_DATA, KVM_PROTECT_DATA};
  private static final int[] PREVENT_CONTROL = {USER_PREVENT_CONTROL, KVM_PREVENT_CONTROL};
  private static final int[] SET = {USER_SET, KVM_SET};

  private final CpuTlbState s;
  private final X86Cr3 cr3;
  private final CpuClocks clocks;
  private final Costs costs;
  private final MachineCounters counters;
  private final boolean enabled;
  private final boolean noflush;
  private final WorkingSets ws;
  private final boolean[] currAsi;
  private final boolean[] target;
  private final int[] taints;
  /** The class of each CPU's target, and of the domain it is in while restricted. */
  private final int[] targetClass;
  private final int[] currClass;
  private final Metrics metrics;
  private final Map<String, Integer> siteIds = new HashMap<>();
  private final List<Counter> siteCounters = new ArrayList<>();
  private Counter[] sites = new Counter[0];

  /**
   * @param s the per-CPU state whose {@code curr_asi}, target and {@code asi_taints} this core owns
   * @param enabled whether ASI is on ({@code asi=on})
   * @param noflush whether ASI's CR3 writes set NOFLUSH
   */
  X86Asi(CpuTlbState s, X86Cr3 cr3, CpuClocks clocks, Costs costs, MachineCounters counters, Metrics metrics,
      boolean enabled, boolean noflush, WorkingSets ws) {
    this.s = s;
    this.ws = ws;
    this.cr3 = cr3;
    this.clocks = clocks;
    this.costs = costs;
    this.counters = counters;
    this.metrics = metrics;
    this.enabled = enabled;
    this.noflush = noflush;
    currAsi = s.currAsi;
    target = s.asiTarget;
    taints = s.taints;
    targetClass = new int[s.nrCpus];
    currClass = new int[s.nrCpus];
    exitSite("unknown"); // SITE_UNKNOWN = 0
  }

  @Override
  public int exitSite(String name) {
    Integer id = siteIds.get(name);
    if (id == null) {
      id = siteCounters.size();
      siteCounters.add(metrics.counter(StandardMetrics.ASI_EXIT_SITES, name));
      siteIds.put(name, id);
      sites = siteCounters.toArray(new Counter[0]);
    }
    return id;
  }

  @Override
  public boolean enabled() {
    return enabled;
  }

  @Override
  public void asiEnter(int cpu) {
    asiEnter(cpu, CLASS_USERSPACE);
  }

  @Override
  public void asiEnter(int cpu, int asiClass) {
    if (!enabled) {
      return;
    }
    if (s.loadedMm[cpu] == AddressSpaces.INIT_MM) {
      throw new IllegalStateException("asi_enter on cpu " + cpu + " with init_mm loaded: no restricted space");
    }
    if (asiClass != CLASS_USERSPACE && asiClass != CLASS_KVM) {
      throw new IllegalArgumentException("unknown ASI class " + asiClass);
    }
    target[cpu] = true;
    targetClass[cpu] = asiClass;
    asiReenter(cpu);
  }

  /**
   * {@code __asi_enter()}: nothing if the CPU is already in its target's domain; else, with the
   * target class's policy, {@code maybe_flush_control()}, the CR3 write, {@code maybe_flush_data()}
   * and the class's taints.
   */
  @Override
  public void asiReenter(int cpu) {
    if (!enabled || !target[cpu] || (currAsi[cpu] && currClass[cpu] == targetClass[cpu])) {
      return;
    }
    int cls = targetClass[cpu];
    currAsi[cpu] = true;
    currClass[cpu] = cls;
    maybeFlushControl(cpu, taints[cpu] & PREVENT_CONTROL[cls], false);
    cr3.writeCr3(cpu, true, noflush);
    if ((taints[cpu] & PROTECT_DATA[cls]) != 0) { // maybe_flush_data()
      if (costs.l1tf) {
        mitigate(cpu, costs.l1dFlush, counters.l1dFlushes);
      }
      taints[cpu] &= ~TAINTS_DATA_MASK;
    }
    taints[cpu] |= SET[cls];
    counters.asiEnters.inc();
  }

  @Override
  public int asiClass(int cpu) {
    return currAsi[cpu] ? currClass[cpu] : targetClass[cpu];
  }

  @Override
  public void asiRelax(int cpu) {
    if (enabled) {
      target[cpu] = false;
    }
  }

  @Override
  public void asiExit(int cpu, AsiExitReason reason, int site) {
    if (!enabled || !currAsi[cpu]) {
      return;
    }
    maybeFlushControl(cpu, taints[cpu] & TAINTS_CONTROL_MASK, costs.ibpbOnEveryExit);
    taints[cpu] |= TAINT_KERNEL_DATA;
    cr3.writeCr3(cpu, false, noflush);
    currAsi[cpu] = false;
    ws.kernelEntry(cpu); // the kernel goes on unrestricted: its footprint in kern_pcid, refilled if flushed
    MachineCounters k = counters;
    k.asiExits.inc();
    k.asiExitsByReason[reason.ordinal()].inc();
    sites[site].inc();
  }

  /**
   * {@code maybe_flush_control()}: IBPB + RSB fill when {@code due} taints are set. Every IBPB also
   * charges {@code ibpb-after}, the cold indirect predictors of the code that follows.
   */
  private void maybeFlushControl(int cpu, int due, boolean forceIbpb) {
    Costs c = costs;
    if (due != 0) {
      if (c.needsIbpb || forceIbpb) {
        mitigate(cpu, c.ibpb + c.ibpbAfter, counters.ibpb);
      }
      if (c.needsRsbFill) {
        mitigate(cpu, c.rsbFill, counters.rsbFills);
      }
      taints[cpu] &= ~TAINTS_CONTROL_MASK;
    } else if (forceIbpb) {
      mitigate(cpu, c.ibpb + c.ibpbAfter, counters.ibpb);
    }
  }

  private void mitigate(int cpu, long cycles, Counter count) {
    clocks.charge(cpu, cycles);
    count.inc();
    counters.mitigationCycles.add(cycles);
  }

  /**
   * {@code asi_handle_switch_mm()}, called by {@code switch_mm_irqs_off()} when ASI is on: folds
   * the user/guest taints of {@code cpu} into the other-mm taints. Touches only {@code asi_taints}.
   */
  static void handleSwitchMm(CpuTlbState s, int cpu) {
    int[] taints = s.taints;
    int t = taints[cpu];
    int add = 0;
    if ((t & TAINTS_CONTROL_MASK) != 0) {
      add |= TAINT_OTHER_MM_CONTROL;
    }
    if ((t & TAINTS_DATA_MASK) != 0) {
      add |= TAINT_OTHER_MM_DATA;
    }
    t |= add;
    t &= ~(TAINT_GUEST_DATA | TAINT_GUEST_CONTROL | TAINT_USER_DATA | TAINT_USER_CONTROL);
    taints[cpu] = t;
  }

  @Override
  public boolean isRestricted(int cpu) {
    return currAsi[cpu];
  }

  @Override
  public boolean hasTarget(int cpu) {
    return target[cpu];
  }

  @Override
  public int taints(int cpu) {
    return taints[cpu];
  }
}
