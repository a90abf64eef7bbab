package io.asisim.sim.compare;

import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.ProgressListener;
import io.asisim.sim.run.RunResult;
import java.util.List;

/**
 * Where a comparison's runs execute: a list of run specs in, their results in input order out
 * (docs/sweeps.md). Each run is deterministic for its spec, so where and in which order the runs
 * execute changes no result; aggregation and output stay with the {@link Comparison}. The default
 * is {@link LocalRunExecutor}, a thread pool; a result store that skips finished runs and a cluster
 * engine are other implementations.
 */
public interface RunExecutor extends AutoCloseable {
  /** What an executor reports as its runs progress. Both methods may be called from any thread. */
  interface Listener {
    /** A listener that ignores everything. */
    Listener NONE = i -> ProgressListener.NONE;

    /** The ops progress of run {@code index} (an executor may report none). */
    ProgressListener run(int index);

    /** Run {@code index} finished with {@code result}: once per run, in any order. */
    default void finished(int index, RunResult result) {}
  }

  /**
   * Runs every spec.
   *
   * @return one result per spec, in the order of {@code runs}
   * @throws RuntimeException the first failure (a bad input, a checker violation, a plugin's)
   */
  List<RunResult> execute(List<VariantConfig> runs, Listener listener);

  /** Releases what the executor holds (a cluster session); by default nothing. */
  @Override
  default void close() {}
}
