package io.asisim.cli;

import io.asisim.report.RunSpecs;
import io.asisim.sim.BadInputException;
import io.asisim.sim.compare.RunExecutor;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.ProgressListener;
import io.asisim.sim.run.RunResult;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RunExecutor} in front of a {@link ResultStore}: runs the store already holds are read
 * from it; the others go to the executor behind, and each is kept in the store the moment it
 * finishes, so a sweep killed at any point loses no finished run and, resumed, runs none twice.
 * Read-only (for {@code --from-results}) it runs nothing: a missing run is an error.
 */
final class StoredRunExecutor implements RunExecutor {
  private final ResultStore store;
  private final RunExecutor behind;
  private int reused;
  private int ran;

  /** @param behind where the missing runs execute, or null to run none */
  StoredRunExecutor(ResultStore store, RunExecutor behind) {
    this.store = store;
    this.behind = behind;
  }

  @Override
  public List<RunResult> execute(List<VariantConfig> runs, Listener listener) {
    RunResult[] out = new RunResult[runs.size()];
    String[] keys = new String[runs.size()];
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      keys[i] = RunSpecs.key(runs.get(i));
      out[i] = store.load(runs.get(i), keys[i]);
      if (out[i] == null) {
        missing.add(i);
      } else {
        listener.finished(i, out[i]);
      }
    }
    reused += runs.size() - missing.size();
    if (missing.isEmpty()) {
      return List.of(out);
    }
    if (behind == null) {
      throw new BadInputException("--from-results " + store.dir() + ": " + missing.size() + " of " + runs.size()
          + " runs are not in it; finish them with the compare command that made it, with --results " + store.dir());
    }
    List<VariantConfig> todo = new ArrayList<>();
    missing.forEach(i -> todo.add(runs.get(i)));
    List<RunResult> done = behind.execute(todo, new Listener() {
      @Override
      public ProgressListener run(int index) {
        return listener.run(missing.get(index));
      }

      @Override
      public void finished(int index, RunResult result) {
        int i = missing.get(index);
        store.store(keys[i], result);
        listener.finished(i, result);
      }
    });
    for (int j = 0; j < done.size(); j++) {
      out[missing.get(j)] = done.get(j);
    }
    ran += done.size();
    return List.of(out);
  }

  /** Runs read from the store so far. */
  int reused() {
    return reused;
  }

  /** Runs executed (and stored) so far. */
  int ran() {
    return ran;
  }
}
