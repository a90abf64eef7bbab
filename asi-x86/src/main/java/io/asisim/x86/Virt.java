package io.asisim.x86;

/**
 * Whether the simulated machine runs on bare metal or as a KVM guest, and how the host runs it
 * (machine parameters {@code virt}, {@code ept-leaf}, {@code apic}, {@code pv-send-ipi}). What a
 * guest costs beyond bare metal is charged by {@link KvmGuest}; docs/deviations.md lists what it
 * leaves out (HLT, EPT violations, I/O exits, vCPU preemption).
 *
 * @param kvm whether the machine is a KVM guest: TLB misses walk two dimensions (guest tables and
 *     the host's EPT/NPT tables), IPIs and timer programming cost VM exits. CR3 writes, INVLPG and
 *     INVPCID do not exit under EPT/NPT, and the IBPB and L1D-flush MSRs are passed through
 *     ({@code svm_recalc_msr_intercepts()}, {@code vmx_recalc_msr_intercepts()}), so ASI's own
 *     transitions cost the same as on bare metal.
 * @param eptLeafShift the page size with which the host maps guest memory in its nested tables:
 *     12 (4 KiB), 21 (2 MiB: host THP, QEMU advises huge pages for guest RAM) or 30 (1 GiB
 *     hugetlbfs); it decides how many host levels each guest-physical translation reads
 * @param apicVirtualized APICv with IPI virtualization (Intel, since Sapphire Rapids) or AVIC (AMD):
 *     an IPI to a running vCPU is posted without an exit on either side; false: KVM emulates the
 *     x2APIC, so an ICR write exits on the sender and the target is kicked out of the guest
 *     ({@code kvm_vcpu_kick()}) to have the interrupt injected
 * @param pvSendIpi {@code KVM_FEATURE_PV_SEND_IPI}: the guest sends a multicast IPI as one
 *     {@code KVM_HC_SEND_IPI} hypercall per bitmap of 128 APIC IDs ({@code kvm_send_ipi_mask()},
 *     {@code __send_ipi_mask()} in arch/x86/kernel/kvm.c), an exit even where the APIC is virtualized
 * @param preemptPercent the share of time the host runs something else on each vCPU's physical
 *     CPU (an overcommitted host; 0: dedicated vCPUs), in stretches of {@code hostSliceUs}, the
 *     vCPUs' stretches staggered evenly over the period ({@link KvmGuest#preemptedFor})
 * @param hostSliceUs how long one preemption lasts: the host scheduler's slice
 * @param pvTlbFlush {@code KVM_FEATURE_PV_TLB_FLUSH}: {@code kvm_flush_tlb_multi()} sends no IPI to
 *     a preempted vCPU but sets {@code KVM_VCPU_FLUSH_TLB} in its steal-time record, and the host
 *     flushes that vCPU's whole TLB before it next enters the guest ({@code record_steal_time()});
 *     without it the sender waits for the preempted target to run again and take the IPI
 */
public record Virt(boolean kvm, int eptLeafShift, boolean apicVirtualized, boolean pvSendIpi, int preemptPercent,
    long hostSliceUs, boolean pvTlbFlush) {
  /**
   * Estimate: a host scheduler slice of 3 ms, EEVDF's {@code sysctl_sched_base_slice} (0.75 ms,
   * kernel/sched/fair.c) scaled by {@code 1 + ilog2(CPUs)} for a host of 8 CPUs
   * ({@code get_update_sysctl_factor()}, {@code SCHED_TUNABLESCALING_LOG}).
   */
  public static final long DEFAULT_HOST_SLICE_US = 3000;

  /** Bare metal. */
  public static final Virt NONE = new Virt(false, 21, false, true);

  /** APIC IDs one {@code KVM_HC_SEND_IPI} hypercall covers (a 128-bit bitmap in two registers). */
  static final int PV_IPI_WINDOW = 128;

  public Virt {
    if (eptLeafShift != 12 && eptLeafShift != 21 && eptLeafShift != 30) {
      throw new IllegalArgumentException("eptLeafShift must be 12, 21 or 30, got " + eptLeafShift);
    }
    if (preemptPercent < 0 || preemptPercent > 90) {
      throw new IllegalArgumentException("preemptPercent must be 0..90, got " + preemptPercent);
    }
    if (hostSliceUs < 1) {
      throw new IllegalArgumentException("hostSliceUs must be at least 1, got " + hostSliceUs);
    }
  }

  /** Dedicated vCPUs: never preempted, {@code KVM_FEATURE_PV_TLB_FLUSH} offered. */
  public Virt(boolean kvm, int eptLeafShift, boolean apicVirtualized, boolean pvSendIpi) {
    this(kvm, eptLeafShift, apicVirtualized, pvSendIpi, 0, DEFAULT_HOST_SLICE_US, true);
  }

  /**
   * References to the host's 4-level nested tables per guest-physical address translated: 4 for a
   * 4 KiB host leaf, 3 for 2 MiB, 2 for 1 GiB.
   */
  int hostLevels() {
    return 4 - (eptLeafShift - 12) / 9;
  }

  /**
   * Host-table references of a guest walk that read {@code guestLevels} guest entries: each guest
   * table's guest-physical address and the final one of the data are translated by the host, so
   * {@code (guestLevels + 1) * hostLevels()}; with 4 guest and 4 host levels, 20 of the 24
   * references of a two-dimensional walk (Bhargava et al., "Accelerating two-dimensional page
   * walks for virtualized systems", ASPLOS 2008).
   */
  int hostReferences(int guestLevels) {
    return kvm ? (guestLevels + 1) * hostLevels() : 0;
  }

  /** The {@code ept-leaf} parameter value of a shift. */
  static String leafName(int shift) {
    return shift == 12 ? "4k" : shift == 21 ? "2m" : "1g";
  }

  /** The shift of an {@code ept-leaf} parameter value. */
  static int leafShift(String name) {
    switch (name) {
      case "4k":
        return 12;
      case "2m":
        return 21;
      case "1g":
        return 30;
      default:
        throw new IllegalArgumentException("ept-leaf '" + name + "': valid values are 4k, 2m, 1g");
    }
  }
}
