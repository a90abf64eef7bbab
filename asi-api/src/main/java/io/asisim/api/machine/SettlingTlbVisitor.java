package io.asisim.api.machine;

/**
 * Receives TLB entries from {@link TlbOps#forEachUnsettledRestrictedEntry} and may settle each:
 * a settled entry is skipped by later enumerations of its CPU until it is refilled or
 * {@link TlbOps#unsettle} is called for that CPU. The exposure scan settles an entry whose frame
 * the running task may read, so that a scan visits only what changed since the last one
 * (docs/checker.md, "Settled entries"). Implement it once and reuse the instance.
 */
@FunctionalInterface
public interface SettlingTlbVisitor {
  /**
   * One cached translation (parameters as in {@link TlbVisitor#entry}).
   *
   * @return whether to settle it
   */
  boolean entry(int cpu, long mm, long va, long pfn, int pageShift);
}
