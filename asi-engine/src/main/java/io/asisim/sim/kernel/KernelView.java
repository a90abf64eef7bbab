package io.asisim.sim.kernel;

import io.asisim.api.mapper.Mapper;

/**
 * What the checker may ask the simulated kernel: which task runs where, what a task may
 * legitimately read, and the aliases its mapper holds. Reading this view charges no cycles and
 * changes no simulated state.
 */
public interface KernelView {
  /**
   * The consistency of the kernel's slab caches and of the page cache's xarray nodes
   * ({@code null}: consistent, the default).
   */
  default String slabInconsistency() {
    return null;
  }

  /** The pid running on {@code cpu}, or -1 when it is idle. */
  int currentPid(int cpu);

  /**
   * Steps (kernel entries, stretches of user code, direct allocations and frees of trace replay)
   * tasks have run on {@code cpu} since boot: a
   * CPU whose count did not move over an interval ran no task, only interrupts (a shootdown IPI
   * to an idle CPU) or kernel threads.
   */
  long taskSteps(int cpu);

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
   * A count that grows whenever process {@code pid} may have lost logical access to some frame
   * (close, eviction, unmap, copy-on-write, pipe consumption: every way {@link #hasLogicalAccess}
   * can turn false while the process lives) and is never reset, or {@code -1} when the kernel does
   * not count. The checker's exposure scan re-checks a CPU's readable entries only when it moved
   * ({@link io.asisim.api.kernel.ExposureScan.Access#accessLosses}).
   */
  default long accessLossCount(int pid) {
    return -1;
  }

  /**
   * The frames of {@code pid}'s losses number {@code since} .. {@link #accessLossCount} - 1, copied
   * into {@code buf}; returns how many, or {@code -1} when the kernel can no longer list them all
   * (then every readable entry must be checked again). By default {@code -1}.
   */
  default int lostFramesSince(int pid, long since, long[] buf) {
    return -1;
  }

  /**
   * The first access through a temporary alias that reached another frame than the alias was made
   * for (a stale TLB entry after a slot was reused without a flush), as a message, or {@code null}.
   * Clears the record (checker bookkeeping only, not simulated state).
   */
  String takeAliasMismatch();

  /** Bit of a {@link #userPte} value: the kernel's PTE is writable (not write-protected). */
  long PTE_WRITABLE = 1L << 62;
  /** Bit of a {@link #userPte} value: an anonymous page (else a page-cache page of a file fault). */
  long PTE_ANON = 1L << 61;
  /** Mask of the frame number in a {@link #userPte} value. */
  long PTE_PFN_MASK = (1L << 52) - 1;
  /** {@link #userPte}: the kernel maps nothing at that address of that mm. */
  long NO_PTE = -1;
  /** {@link #userPte}: no live mm has that id, or the kernel does not say. */
  long NO_MM = -2;

  /**
   * The kernel's own record of {@code mm}'s user PTE of page {@code va} — what its fault, fork,
   * copy-on-write and unmap paths believe they installed, which the page tables must hold (the
   * checker's user-PTE rule, docs/checker.md): the frame with {@link #PTE_WRITABLE} and
   * {@link #PTE_ANON}, {@link #NO_PTE}, or {@link #NO_MM} (the default: the kernel does not say).
   */
  default long userPte(long mm, long va) {
    return NO_MM;
  }

  /**
   * Calls {@code visitor} with every user PTE the kernel has installed in a live mm (values as
   * {@link #userPte}), each mm once however many tasks share it; false if the kernel cannot list
   * them (the default).
   */
  default boolean forEachUserPte(UserPteVisitor visitor) {
    return false;
  }

  /**
   * Whether more than one mm maps anonymous frame {@code pfn} (shared copy-on-write since a fork:
   * the page's {@code _mapcount}); such a frame must be write-protected in every mm. By default false.
   */
  default boolean anonShared(long pfn) {
    return false;
  }

  /** Receives the kernel's user PTEs ({@link #forEachUserPte}). */
  @FunctionalInterface
  interface UserPteVisitor {
    void pte(long mm, long va, long value);
  }

  /**
   * The first anonymous page mapped to user space since the last call that was not zeroed
   * ({@code do_anonymous_page()} without {@code clear_user_highpage()}), as a message, or {@code null}.
   * Clears the record. This default records nothing.
   */
  default String takeUnzeroedUserPage() {
    return null;
  }
}
