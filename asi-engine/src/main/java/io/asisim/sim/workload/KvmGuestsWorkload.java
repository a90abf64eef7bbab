package io.asisim.sim.workload;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import java.util.SplittableRandom;

/**
 * Guests on a KVM host ({@code kvm-guests}): each guest is a VMM process whose anonymous memory is
 * the guest's RAM and whose vCPUs are threads of it, placed round robin over the CPUs so that the
 * vCPUs of different guests share CPUs. One op is one VM entry of a vCPU (round robin over the
 * vCPUs not halted) and the exit that ends it, drawn per op: an MSR write on the fast path, HLT
 * (the vCPU sleeps; an interrupt wakes it {@code halt-ops} ops later), I/O that returns to the VMM
 * ({@code vmm-user-cycles} of device emulation in user space, then {@code KVM_RUN} again), an IPI
 * to the guest's next vCPU (when that one is inside {@code KVM_RUN}), or else an EPT violation on a guest page not yet backed (in a random order; once every page is
 * backed such draws are MSR writes). The exit mix and the guest time between exits are estimates
 * (docs/workloads.md), not measurements: this development machine is itself a guest and cannot
 * see its host's exits.
 */
final class KvmGuestsWorkload implements Workload {
  private final KvmGuestsParams p;
  private int[] vmm;
  private long[] ram;
  private int[][] order; // per guest: its pages in the order the guest first touches them
  private int[] backed; // per guest: pages backed so far
  private int[] vcpu; // pids, guest-major
  private long[] haltedAt;
  private boolean[] inRun; // inside KVM_RUN: entered, and no I/O exit since
  private SplittableRandom random;

  KvmGuestsWorkload(KvmGuestsParams p) {
    this.p = p;
  }

  @Override
  public long ops() {
    return p.ops();
  }

  @Override
  public void setUp(Kernel k) {
    random = k.random().split();
    int g = p.guests();
    int pages = p.guestPages();
    vmm = new int[g];
    ram = new long[g];
    order = new int[g][];
    backed = new int[g];
    vcpu = new int[g * p.vcpus()];
    haltedAt = new long[vcpu.length];
    inRun = new boolean[vcpu.length];
    for (int i = 0; i < g; i++) {
      vmm[i] = k.spawn();
      if (vmm[i] < 0) {
        throw new IllegalArgumentException("out of memory starting VMM " + i);
      }
      ram[i] = k.mmapAnon(vmm[i], pages); // the guest's RAM: backed on its first EPT violation
      order[i] = shuffled(pages, random);
      for (int v = 0; v < p.vcpus(); v++) {
        int t = k.cloneThread(vmm[i]);
        int cpu = (i * p.vcpus() + v) % k.nrCpus();
        if (k.cpuOf(t) != cpu) {
          k.migrate(t, cpu);
        }
        vcpu[i * p.vcpus() + v] = t;
      }
    }
  }

  private static int[] shuffled(int n, SplittableRandom r) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  @Override
  public void step(Kernel k, long index) {
    int n = vcpu.length;
    for (int i = 0; i < n; i++) { // the timer that ends a halt
      if (k.kvmHalted(vcpu[i]) && index - haltedAt[i] >= p.haltOps()) {
        k.kvmInterrupt(k.cpuOf(vcpu[i]), vcpu[i]);
      }
    }
    int v = -1;
    for (int i = 0; i < n && v < 0; i++) {
      int c = (int) ((index + i) % n);
      if (!k.kvmHalted(vcpu[c])) {
        v = c;
      }
    }
    if (v < 0) { // every vCPU halted: the longest-halted one's interrupt comes first
      v = 0;
      for (int i = 1; i < n; i++) {
        if (haltedAt[i] < haltedAt[v]) {
          v = i;
        }
      }
      k.kvmInterrupt(k.cpuOf(vcpu[v]), vcpu[v]);
    }
    int guest = v / p.vcpus();
    int pid = vcpu[v];
    int draw = random.nextInt(100);
    int exit;
    long hva = 0;
    int peer = guest * p.vcpus() + (v - guest * p.vcpus() + 1) % p.vcpus();
    int ipiUpTo = p.msrPercent() + p.hltPercent() + p.ioPercent() + p.ipiPercent();
    if (draw < p.msrPercent()) {
      exit = Kernel.KVM_EXIT_MSR;
    } else if (draw < p.msrPercent() + p.hltPercent()) {
      exit = Kernel.KVM_EXIT_HLT;
    } else if (draw < p.msrPercent() + p.hltPercent() + p.ioPercent()) {
      exit = Kernel.KVM_EXIT_IO;
    } else if (draw < ipiUpTo) {
      exit = peer != v && inRun[peer] ? Kernel.KVM_EXIT_IPI : Kernel.KVM_EXIT_MSR;
      hva = vcpu[peer];
    } else if (backed[guest] < order[guest].length) {
      exit = Kernel.KVM_EXIT_EPT_VIOLATION;
      hva = ram[guest] + ((long) order[guest][backed[guest]++] << 12);
    } else {
      exit = Kernel.KVM_EXIT_MSR;
    }
    k.kvmRun(pid, p.guestCycles(), exit, exit == Kernel.KVM_EXIT_MSR ? 0 : hva);
    inRun[v] = exit != Kernel.KVM_EXIT_IO;
    if (exit == Kernel.KVM_EXIT_HLT) {
      haltedAt[v] = index;
    } else if (exit == Kernel.KVM_EXIT_IO) {
      k.runUser(pid, p.vmmUserCycles()); // the VMM emulates the device, then KVM_RUN again
    }
  }

  @Override
  public void tearDown(Kernel k) {
    for (int i = 0; i < vcpu.length; i++) {
      if (k.kvmHalted(vcpu[i])) {
        k.kvmInterrupt(k.cpuOf(vcpu[i]), vcpu[i]);
      }
      k.kvmRun(vcpu[i], 0, Kernel.KVM_EXIT_IO, 0); // back to the VMM, which then exits
    }
    for (int m : vmm) {
      k.exit(m);
    }
  }
}
