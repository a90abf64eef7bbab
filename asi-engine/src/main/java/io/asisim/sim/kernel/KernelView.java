package io.asisim.sim.kernel;

import io.asisim.api.mapper.Mapper;

/**
 * What the checker may ask the simulated kernel: which task runs where, what a task may
 * legitimately read, and the aliases its mapper holds. Reading this view charges no cycles and
 * changes no simulated state.
 */
public interface KernelView {
  /** The pid running on {@code cpu}, or -1 when it is idle. */
  int currentPid(int cpu);

  /**
   * Whether process {@code pid} could legitimately {@code read()} frame {@code pfn} right now: the
   * frame caches a page of a file the process has open, or is an anonymous page mapped in its mm
   * (copy-on-write shared pages count for every sharer). False for a pid that is not alive.
   * Allocation-free.
   */
  boolean hasLogicalAccess(int pid, long pfn);

  /**
   * Every mapper the kernel has built (one per distinct {@code --site-mapper} choice in use; none in
   * a run that never touched sensitive memory).
   */
  java.util.List<Mapper> mappersBuilt();

  /**
   * The first access through a temporary alias that reached another frame than the alias was made
   * for (a stale TLB entry after a slot was reused without a flush), as a message, or {@code null}.
   * Clears the record (checker bookkeeping only, not simulated state).
   */
  String takeAliasMismatch();
}
