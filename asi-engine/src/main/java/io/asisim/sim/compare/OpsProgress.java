package io.asisim.sim.compare;

import io.asisim.sim.run.ProgressListener;

/**
 * The progress of many runs as one count of workload ops, for a bar with an ETA: each run reports
 * its own ops done of its total; a run not started yet is counted at the mean total of the runs
 * that have reported (workloads differ in length, so the total settles as runs start).
 */
final class OpsProgress {
  private final ProgressListener out;
  private final long[] done;
  private final long[] total;

  OpsProgress(int runs, ProgressListener out) {
    this.out = out;
    this.done = new long[runs];
    this.total = new long[runs];
  }

  /** The listener for run {@code i}. */
  ProgressListener run(int i) {
    return out == ProgressListener.NONE ? ProgressListener.NONE : (d, t) -> update(i, d, t);
  }

  /** Run {@code i} finished: all its ops are done, whether or not its last step was reported. */
  void finished(int i) {
    if (out != ProgressListener.NONE) {
      synchronized (this) {
        done[i] = total[i] = Math.max(total[i], Math.max(done[i], 1));
      }
      report();
    }
  }

  private void update(int i, long d, long t) {
    synchronized (this) {
      done[i] = d;
      total[i] = t;
    }
    report();
  }

  private void report() {
    long sumDone;
    long estimate;
    synchronized (this) {
      sumDone = 0;
      long known = 0;
      int reported = 0;
      for (int i = 0; i < done.length; i++) {
        sumDone += done[i];
        if (total[i] > 0) {
          known += total[i];
          reported++;
        }
      }
      estimate = known + (reported == 0 ? 0 : (done.length - reported) * (known / reported));
    }
    out.progress(sumDone, Math.max(estimate, sumDone));
  }
}
