package io.asisim.api.machine;

/**
 * A CPU cost model: what each modelled hardware operation costs in cycles, the TLB geometry, the
 * clock, and which transient-execution vulnerabilities the CPU has (which decides whether a
 * mitigation the ASI taint rules call for is actually issued). Implementations are plugins of kind
 * {@code cpu-profile}; every value cites a public source or is marked as an estimate, and each is
 * a declared parameter so that {@code --set cpu-profile.NAME.KEY=V} overrides it.
 */
public interface CpuProfile {

  /** The profile's plugin name, e.g. {@code sapphire-rapids}. */
  String name();

  /** The value of {@code key}: cycles for costs, entries/ways for TLB geometry, MHz for the clock. */
  long get(Cost key);

  /** Whether this CPU has {@code trait}. */
  boolean has(CpuTrait trait);

  /** Converts cycles of this CPU to nanoseconds. */
  default double cyclesToNs(long cycles) {
    return cycles * 1000.0 / get(Cost.CLOCK_MHZ);
  }
}
