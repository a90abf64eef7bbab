package io.asisim.cli;

import io.asisim.sim.compare.RunExecutor;
import io.asisim.sim.run.ProgressListener;
import io.asisim.sim.run.RunResult;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr, only when stderr is a terminal (never in pipes, files or CI): the
 * launcher passes {@code -Dasisim.progress=true|false}; without it, whether there is a console.
 * It counts workload ops (of every run of a comparison), shows the elapsed and remaining time and,
 * for a comparison, the runs finished of all.
 */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  static Progress start(String task, long total) {
    // the launcher tests stderr itself ([ -t 2 ]); Java alone can only ask about stdin/stdout
    String flag = System.getProperty("asisim.progress");
    boolean tty = flag != null ? Boolean.parseBoolean(flag) : System.console() != null;
    if (!tty || total <= 0) {
      return new Progress(null);
    }
    // "41% [====   ] 164000/400000 ops (0:00:12 / 0:00:17)": ops done of all runs, elapsed / remaining
    return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" ops", 1)
        .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
        .build());
  }

  ProgressListener listener() {
    if (bar == null) {
      return ProgressListener.NONE;
    }
    return (done, total) -> {
      synchronized (bar) {
        bar.maxHint(total);
        bar.stepTo(done);
      }
    };
  }

  /**
   * The same executor, counting its finished runs into the bar ({@code 3/16 runs} after the times),
   * read from a result store or run.
   */
  RunExecutor counting(RunExecutor executor) {
    if (bar == null) {
      return executor;
    }
    return (runs, listener) -> {
      AtomicInteger done = new AtomicInteger();
      return executor.execute(runs, new RunExecutor.Listener() {
        @Override
        public ProgressListener run(int index) {
          return listener.run(index);
        }

        @Override
        public void finished(int index, RunResult result) {
          listener.finished(index, result);
          synchronized (bar) {
            bar.setExtraMessage(done.incrementAndGet() + "/" + runs.size() + " runs");
          }
        }
      });
    };
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
