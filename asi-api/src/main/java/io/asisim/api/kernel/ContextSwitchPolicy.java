package io.asisim.api.kernel;

/**
 * Decides whether {@code context_switch()} exits ASI. Plugins of kind {@code context-switch}: the
 * posted ASI code exits on every switch; an alternative stays restricted while the mm is unchanged.
 */
public interface ContextSwitchPolicy {
  /**
   * Whether switching from a task running with mm {@code prevMm} to one that will run with
   * {@code nextMm} must {@code asi_exit()}. A kernel thread passes the mm it borrows (its
   * {@code active_mm}, i.e. {@code prevMm}).
   */
  boolean mustExit(long prevMm, long nextMm);
}
