package io.asisim.api.machine;

/**
 * The keys of a {@link CpuProfile}. The parameter name of each key in a profile plugin is
 * {@link #param()}. New keys may be added; profiles must give every key a value.
 */
public enum Cost {
  CLOCK_MHZ("clock-mhz"),
  CR3_WRITE("cr3-write"),
  IBPB("ibpb"),
  /** Cycles the code after an IBPB loses to cold indirect-branch predictors (charged with every IBPB). */
  IBPB_AFTER("ibpb-after"),
  RSB_FILL("rsb-fill"),
  L1D_FLUSH("l1d-flush"),
  INVLPG("invlpg"),
  INVPCID_SINGLE("invpcid-single"),
  INVPCID_ALL("invpcid-all"),
  FULL_FLUSH("full-flush"),
  /** One paging-structure read of a page walk whose entry is cache-resident (L1/L2). */
  PAGE_WALK_LEVEL("page-walk-level"),
  /** An L1 dTLB hit. */
  TLB_HIT("tlb-hit"),
  /** Extra cycles of an L1 dTLB miss that hits the second-level (shared) STLB. */
  STLB_HIT("stlb-hit"),
  /** Load-to-use latency of the last-level cache: a walk whose leaf PTE line is not in L2. */
  LLC_LATENCY("llc-latency"),
  /** Per-core L2 size in KiB: decides whether a working set's PTE lines are likely L2-resident. */
  L2_KIB("l2-kib"),
  IPI_SEND("ipi-send"),
  IPI_TARGET("ipi-target"),
  PAGE_FAULT("page-fault"),
  SYSCALL("syscall"),
  CLEAR_PAGE("clear-page"),
  COPY_PAGE("copy-page"),
  /** A 4 KiB copy whose source is cache-resident (L1/L2), e.g. re-reading a small hot file. */
  COPY_PAGE_CACHED("copy-page-cached"),
  /** Last-level cache size in KiB: decides whether a file's pages are likely cache-resident. */
  LLC_KIB("llc-kib"),
  PTE_WRITE("pte-write"),
  /** First-level data TLB entries (4 KiB translations; larger pages share it, see docs/deviations.md). */
  L1_DTLB_ENTRIES("l1-dtlb-entries"),
  L1_DTLB_WAYS("l1-dtlb-ways"),
  /** Instruction-TLB entries available to a text working set (counted, see {@code Machine#runUser}). */
  ITLB_ENTRIES("itlb-entries"),
  /** Second-level TLB entries, shared by 4 KiB and 2 MiB translations. */
  STLB_ENTRIES("stlb-entries"),
  STLB_WAYS("stlb-ways"),
  /** 1 GiB translations (a separate array on every modelled CPU). */
  TLB_1G_ENTRIES("tlb-1g-entries"),
  TLB_1G_WAYS("tlb-1g-ways"),
  /**
   * Cycles a page fault costs above its loop-measured body when it follows user code, after a user
   * pass that filled nothing (the entry still follows other kernel paths, as in a real program):
   * the first point of the cold-entry table (docs/calibration.md "Cold kernel entries"). The four
   * {@code COLD_FAULT_*} points are at 0, 256 KiB, 1 MiB and 4 MiB of L1 data fills since the
   * previous kernel entry; the model interpolates linearly between them and holds the last beyond.
   * 0 everywhere: entries cost their loop bodies.
   */
  COLD_FAULT_0K("cold-fault-0k"),
  /** The cold-entry table's fault point after 256 KiB of user L1 data fills ({@link #COLD_FAULT_0K}). */
  COLD_FAULT_256K("cold-fault-256k"),
  /** The cold-entry table's fault point after 1 MiB of user L1 data fills ({@link #COLD_FAULT_0K}). */
  COLD_FAULT_1M("cold-fault-1m"),
  /** The cold-entry table's fault point after 4 MiB of user L1 data fills ({@link #COLD_FAULT_0K}). */
  COLD_FAULT_4M("cold-fault-4m"),
  /**
   * The same table for system calls that walk a path ({@code newfstatat}, {@code openat},
   * {@code readlink}, a failing {@code execve}): cycles above the loop body after 0 bytes of user
   * L1 data fills ({@link #COLD_FAULT_0K} for the rule).
   */
  COLD_PATH_0K("cold-path-0k"),
  /** The path-walk system calls' point after 256 KiB of user L1 data fills ({@link #COLD_PATH_0K}). */
  COLD_PATH_256K("cold-path-256k"),
  /** The path-walk system calls' point after 1 MiB of user L1 data fills ({@link #COLD_PATH_0K}). */
  COLD_PATH_1M("cold-path-1m"),
  /** The path-walk system calls' point after 4 MiB of user L1 data fills ({@link #COLD_PATH_0K}). */
  COLD_PATH_4M("cold-path-4m"),
  /**
   * Round trip of a VM exit that the host kernel handles without going to user space (exit,
   * {@code kvm_x86_ops.handle_exit()} dispatch, VM entry), e.g. a CPUID or an x2APIC MSR write.
   * Only charged when the machine runs as a guest (machine parameter {@code virt}).
   */
  VMEXIT("vmexit"),
  /**
   * One reference to the host's nested (EPT/NPT) paging structures during a two-dimensional walk,
   * the host tables' lines being cache-resident. Only charged when the machine runs as a guest.
   */
  NESTED_WALK_LEVEL("nested-walk-level");

  private final String param;

  Cost(String param) {
    this.param = param;
  }

  /** The kebab-case parameter name used by profile plugins and {@code --set}. */
  public String param() {
    return param;
  }
}
