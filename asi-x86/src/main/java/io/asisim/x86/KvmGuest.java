package io.asisim.x86;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;

/**
 * What running as a KVM guest adds to the machine's costs ({@link Virt}): the host dimension of
 * TLB-miss walks, and the VM exits of IPIs and of the timer. Every charge is one {@code vmexit}
 * (the profile's round trip of an exit handled in the host kernel) per exit, or
 * {@code nested-walk-level} per host-table reference. On bare metal every method returns at once
 * and no counter is registered, so a native run's output is unchanged.
 *
 * <p>The exits follow the guest kernel and KVM:
 * <ul>
 *   <li>a single-target IPI ({@code smp_call_function_many_cond()} with one CPU →
 *       {@code send_call_function_single_ipi()} → {@code apic->send_IPI}) is an x2APIC ICR write,
 *       an exit unless the APIC is virtualized; a multicast with {@code pv-send-ipi} is one
 *       {@code KVM_HC_SEND_IPI} hypercall per 128 APIC IDs ({@code __send_ipi_mask()}), without it
 *       one ICR write per target;
 *   <li>the target of an emulated-APIC IPI is kicked out of the guest ({@code kvm_vcpu_kick()}: a
 *       host IPI, an external-interrupt exit) to have the vector injected; with APICv/AVIC the
 *       interrupt is posted to the running vCPU. The guest's EOI does not exit
 *       ({@code KVM_FEATURE_PV_EOI}, {@code kvm_guest_apic_eoi_write()});
 *   <li>each tick is two exits: the expiry of the host timer that emulates the guest's
 *       TSC-deadline timer ({@code apic_timer_fn()} or the VMX preemption timer) and the guest's
 *       write of {@code MSR_IA32_TSC_DEADLINE} arming the next one
 *       ({@code kvm_set_lapic_tscdeadline_msr()}).
 *   <li>on an overcommitted host ({@link Virt#preemptPercent}) a shootdown's target may be
 *       preempted: with {@code KVM_FEATURE_PV_TLB_FLUSH} its flush is deferred to its next entry
 *       ({@link #deferFlush}), else the sender waits for it to run again ({@link #preemptedWait}).
 * </ul>
 */
final class KvmGuest {
  private final Virt virt;
  private final CpuClocks clocks;
  private final long vmexit;
  private final long hostLevel;
  private final Counter exits;
  private final Counter ipiSend;
  private final Counter ipiDeliver;
  private final Counter timer;
  private final Counter tscDeadline;
  private final Counter exitCycles;
  private final Counter nestedCycles;
  private final Counter deferred;
  private final Counter waits;
  private final Counter waitCycles;
  /** Cycles of one host slice and of the preemption period ({@link #preemptedFor}); 0: never preempted. */
  private final long slice;
  private final long period;
  private final int nrCpus;
  /** The current send's IPI targets and {@code KVM_HC_SEND_IPI} bitmaps ({@link #ipiTarget}). */
  private int windows;
  private int windowStart;
  /** Whether the machine is a guest; false: every method is a no-op. */
  final boolean on;

  KvmGuest(Virt virt, CpuProfile profile, CpuClocks clocks, Metrics m, int nrCpus) {
    this.virt = virt;
    this.clocks = clocks;
    this.nrCpus = nrCpus;
    this.on = virt.kvm();
    boolean preempt = on && virt.preemptPercent() > 0;
    this.slice = preempt ? virt.hostSliceUs() * profile.get(Cost.CLOCK_MHZ) : 0;
    this.period = preempt ? slice * 100 / virt.preemptPercent() : 0;
    deferred = on ? m.counter(StandardMetrics.TLB_FLUSHES_DEFERRED) : null;
    waits = on ? m.counter(StandardMetrics.PREEMPTED_IPI_WAITS) : null;
    waitCycles = on ? m.counter(StandardMetrics.PREEMPTED_IPI_WAIT_CYCLES) : null;
    this.vmexit = profile.get(Cost.VMEXIT);
    this.hostLevel = profile.get(Cost.NESTED_WALK_LEVEL);
    exits = on ? m.counter(StandardMetrics.VM_EXITS) : null;
    ipiSend = on ? m.counter(StandardMetrics.VM_EXITS, "ipi_send") : null;
    ipiDeliver = on ? m.counter(StandardMetrics.VM_EXITS, "ipi_deliver") : null;
    timer = on ? m.counter(StandardMetrics.VM_EXITS, "timer") : null;
    tscDeadline = on ? m.counter(StandardMetrics.VM_EXITS, "tsc_deadline") : null;
    exitCycles = on ? m.counter(StandardMetrics.VM_EXIT_CYCLES) : null;
    nestedCycles = on ? m.counter(StandardMetrics.NESTED_WALK_CYCLES) : null;
  }

  /**
   * Charges {@code cpu} the host dimension of {@code walks} walks that each read
   * {@code guestLevels} guest entries ({@link Virt#hostReferences}).
   */
  void walks(int cpu, long walks, int guestLevels) {
    if (!on || walks == 0) {
      return;
    }
    long c = walks * virt.hostReferences(guestLevels) * hostLevel;
    clocks.charge(cpu, c);
    nestedCycles.add(c);
  }

  /** Starts counting the targets of one multicast send ({@link #ipiTarget}, {@link #ipiSend}). */
  void beginSend() {
    windows = 0;
  }

  /**
   * {@code cpu} (its APIC ID) is a target of the current send: a {@code KVM_HC_SEND_IPI} bitmap of
   * {@link Virt#PV_IPI_WINDOW} IDs opens at the first ID that the open one cannot hold, as
   * {@code __send_ipi_mask()} fills them. Targets come in ascending order.
   */
  void ipiTarget(int cpu) {
    if (windows == 0 || cpu >= windowStart + Virt.PV_IPI_WINDOW) {
      windowStart = cpu;
      windows++;
    }
  }

  /**
   * Charges the sender {@code cpu} the exits of sending one IPI to each of {@code targets} CPUs,
   * given since {@link #beginSend} to {@link #ipiTarget}.
   */
  void ipiSend(int cpu, int targets) {
    if (!on || targets == 0) {
      return;
    }
    int n;
    if (targets == 1) {
      n = virt.apicVirtualized() ? 0 : 1;
    } else if (virt.pvSendIpi()) {
      n = windows;
    } else {
      n = virt.apicVirtualized() ? 0 : targets;
    }
    exit(cpu, ipiSend, n);
  }

  /** Charges the target {@code cpu} of an IPI the exit that delivers it (emulated APIC only). */
  void ipiDeliver(int cpu) {
    if (on && !virt.apicVirtualized()) {
      exit(cpu, ipiDeliver, 1);
    }
  }

  /** Charges {@code cpu} the two exits of a tick: the timer's expiry and the TSC-deadline write. */
  void tick(int cpu) {
    if (on) {
      exit(cpu, timer, 1);
      exit(cpu, tscDeadline, 1);
    }
  }

  /**
   * How long vCPU {@code target} has been preempted at cycle {@code now} of the sender's clock, or
   * -1 if it runs: the host takes its physical CPU for one slice in every
   * {@code slice * 100 / preempt-percent}, vCPU {@code c}'s slice starting {@code c / nrCpus} of
   * a period after vCPU 0's, so that {@code preempt-percent} of the vCPUs are out at any time.
   * A schedule, not a draw: deterministic and coherent over time, an estimate of an overcommitted
   * host's fair share, not a model of its run queues.
   */
  long preemptedFor(int target, long now) {
    if (period == 0) {
      return -1;
    }
    long pos = Math.floorMod(now - period * target / nrCpus, period);
    return pos < slice ? pos : -1;
  }

  /**
   * {@code kvm_flush_tlb_multi()} on shootdown target {@code target} of {@code cpu}: true if the
   * target is preempted and {@code KVM_FEATURE_PV_TLB_FLUSH} defers its flush (no IPI; the caller
   * applies the host's flush of the vCPU's whole TLB).
   */
  boolean deferFlush(int cpu, int target) {
    if (!on || !virt.pvTlbFlush() || preemptedFor(target, clocks.cycles(cpu)) < 0) {
      return false;
    }
    deferred.inc();
    return true;
  }

  /**
   * Cycles the sender {@code cpu} waits before a preempted {@code target} runs again to take its
   * IPI ({@code smp_call_function_many_cond()} spins in {@code csd_lock_wait()}); 0 if it runs.
   * The rest of the target's slice: a host without {@code KVM_FEATURE_PV_SCHED_YIELD}, whose
   * {@code kvm_smp_send_call_func_ipi()} would yield to the target and shorten the wait.
   */
  long preemptedWait(int cpu, int target) {
    long pos = on ? preemptedFor(target, clocks.cycles(cpu)) : -1;
    if (pos < 0) {
      return 0;
    }
    long w = slice - pos;
    waits.inc();
    waitCycles.add(w);
    return w;
  }

  private void exit(int cpu, Counter reason, int n) {
    if (n > 0) {
      long c = n * vmexit;
      clocks.charge(cpu, c);
      reason.add(n);
      exits.add(n);
      exitCycles.add(c);
    }
  }
}
