package io.asisim.policies.contextswitch;

import io.asisim.api.kernel.ContextSwitchPolicy;

/**
 * {@code exit-always}: every {@code context_switch()} exits ASI, as the posted ASI series does
 * ({@code asi_exit()} from the switch path in bjackman/linux), whatever the next task's mm.
 */
public final class ExitAlwaysPolicy implements ContextSwitchPolicy {
  @Override
  public boolean mustExit(long prevMm, long nextMm) {
    return true;
  }
}
