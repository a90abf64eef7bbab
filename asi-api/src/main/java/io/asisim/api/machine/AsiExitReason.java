package io.asisim.api.machine;

/**
 * Why {@code asi_exit()} left the restricted address space (the {@code asi_exit()} call sites of
 * bjackman/linux arch/x86/mm/asi.c and its callers). Each reason has the
 * metric key of {@code asi_exits.<key>}.
 */
public enum AsiExitReason {
  /** The #PF path: restricted code touched memory absent from the restricted tables. */
  PAGE_FAULT("page_fault"),
  /** {@code context_switch()} under a policy that exits on the switch. */
  CONTEXT_SWITCH("context_switch"),
  /** Return to user mode that had to pass through the unrestricted space. */
  USER_RET("user_ret"),
  /** A TLB flush that must run unrestricted. */
  TLB_FLUSH("tlb_flush"),
  /** Anything else (suspend, explicit exits). */
  MISC("misc");

  private final String key;

  AsiExitReason(String key) {
    this.key = key;
  }

  /** The metric key, e.g. {@code page_fault}. */
  public String key() {
    return key;
  }
}
