package io.asisim.sim.run;

/** Receives progress of a run; the CLI draws a bar on a terminal. Called from the running thread. */
public interface ProgressListener {
  /** Does nothing. */
  ProgressListener NONE = (done, total) -> {};

  /** {@code done} of {@code total} ops have completed. */
  void progress(long done, long total);
}
