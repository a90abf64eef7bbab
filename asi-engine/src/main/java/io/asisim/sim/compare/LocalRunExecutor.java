package io.asisim.sim.compare;

import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import io.asisim.sim.util.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The default {@link RunExecutor}: the runs on a pool of host threads of this JVM. Each run has its
 * own injector and state, so the results equal a sequential run's.
 */
public final class LocalRunExecutor implements RunExecutor {
  private final Runner runner;
  private final int threads;

  public LocalRunExecutor(Runner runner, int threads) {
    this.runner = runner;
    this.threads = Math.max(1, threads);
  }

  @Override
  public List<RunResult> execute(List<VariantConfig> runs, Listener listener) {
    if (runs.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = Workers.pool("asi-sim-variant", Math.min(threads, Math.min(runs.size(), 64)));
    try {
      List<Future<RunResult>> futures = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        VariantConfig c = runs.get(i);
        int run = i;
        futures.add(pool.submit(() -> {
          RunResult r = runner.run(c, listener.run(run));
          listener.finished(run, r);
          return r;
        }));
      }
      List<RunResult> out = new ArrayList<>();
      for (Future<RunResult> f : futures) {
        out.add(Workers.join(f, "running the variants"));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
