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
  private long sumDone;
  private long known;
  private int reported;

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
      long all = Math.max(total[i], Math.max(done[i], 1));
      update(i, all, all);
    }
  }

  private void update(int i, long d, long t) {
    long reportDone;
    long estimate;
    synchronized (this) {
      // running sums: a report costs the same however many runs there are
      sumDone += d - done[i];
      reported += (t > 0 ? 1 : 0) - (total[i] > 0 ? 1 : 0);
      known += t - total[i];
      done[i] = d;
      total[i] = t;
      reportDone = sumDone;
      estimate = known + (reported == 0 ? 0 : (done.length - reported) * (known / reported));
    }
    out.progress(reportDone, Math.max(estimate, reportDone));
  }
}
