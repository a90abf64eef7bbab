package io.asisim.api.kernel;

/**
 * A workload: a sequence of operations against the simulated {@link Kernel}. Plugins of kind
 * {@code workload}; every workload declares an {@code ops} parameter (docs/contracts.md). The runner calls
 * {@link #setUp}, then {@link #step} for op {@code 0..ops()-1} (running the checker between steps
 * when asked), then {@link #tearDown}.
 */
public interface Workload {

  /** Operations this run performs; asked after {@link #setUp}, so it may depend on the state set-up built. */
  long ops();

  /**
   * Prepares state (files, processes, warm memory) before op 0; not counted as ops. A workload that
   * cannot fit the machine (memory too small for its parameters) throws
   * {@link IllegalArgumentException}, which the run reports as a bad input; an
   * {@link IllegalStateException} is a kernel BUG, reported as an invariant violation under
   * {@code --check} (docs/contracts.md).
   */
  default void setUp(Kernel kernel) {}

  /** Performs operation {@code index}. */
  void step(Kernel kernel, long index);

  /** Releases what the workload still holds, after the last op. */
  default void tearDown(Kernel kernel) {}
}
