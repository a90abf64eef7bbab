package io.asisim.api.machine;

/**
 * Properties of a CPU that decide whether a mitigation is needed, mirroring the kernel's
 * {@code X86_BUG_*} / {@code X86_FEATURE_*} bits that {@code asi_enter}/{@code asi_exit} consult.
 */
public enum CpuTrait {
  /** Needs IBPB to separate branch-predictor domains (Spectre v2 / BTI class); cleared with {@code clearcpuid=ibpb}. */
  NEEDS_IBPB,
  /** Needs the RSB stuffed on domain switches. */
  NEEDS_RSB_FILL,
  /** Affected by L1 Terminal Fault: L1D must be flushed before running untrusted code on sensitive data. */
  L1TF,
  /** The benchmark configuration of the ASI RFC: an IBPB hard-coded into every {@code asi_exit()}. */
  IBPB_ON_EVERY_EXIT,
  /** Process-context identifiers in CR3. */
  PCID,
  /** The INVPCID instruction. */
  INVPCID,
  /**
   * The profile's costs were measured inside a virtual machine, so they already contain what the
   * hypervisor adds (an IPI's VM exits in {@code ipi-target}): machine {@code x86} refuses to run
   * such a profile as a guest ({@code virt=kvm}), which would count those exits twice.
   */
  MEASURED_IN_GUEST;

  /** The kebab-case parameter name in profile plugins and profile files, e.g. {@code needs-ibpb}. */
  public String param() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
