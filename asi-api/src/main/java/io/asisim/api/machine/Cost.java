package io.asisim.api.machine;

/**
 * The keys of a {@link CpuProfile}. The parameter name of each key in a profile plugin is
 * {@link #param()}. New keys may be added; profiles must give every key a value.
 */
public enum Cost {
  CLOCK_MHZ("clock-mhz"),
  CR3_WRITE("cr3-write"),
  IBPB("ibpb"),
  RSB_FILL("rsb-fill"),
  L1D_FLUSH("l1d-flush"),
  INVLPG("invlpg"),
  INVPCID_SINGLE("invpcid-single"),
  INVPCID_ALL("invpcid-all"),
  FULL_FLUSH("full-flush"),
  PAGE_WALK_LEVEL("page-walk-level"),
  TLB_HIT("tlb-hit"),
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
  TLB_4K_ENTRIES("tlb-4k-entries"),
  TLB_4K_WAYS("tlb-4k-ways"),
  TLB_2M_ENTRIES("tlb-2m-entries"),
  TLB_2M_WAYS("tlb-2m-ways"),
  TLB_1G_ENTRIES("tlb-1g-entries"),
  TLB_1G_WAYS("tlb-1g-ways");

  private final String param;

  Cost(String param) {
    this.param = param;
  }

  /** The kebab-case parameter name used by profile plugins and {@code --set}. */
  public String param() {
    return param;
  }
}
