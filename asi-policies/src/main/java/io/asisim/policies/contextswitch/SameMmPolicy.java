package io.asisim.policies.contextswitch;

import io.asisim.api.kernel.ContextSwitchPolicy;

/**
 * {@code same-mm}: stays restricted across a switch that keeps the mm, including a switch to a
 * kernel thread (which borrows the previous {@code active_mm}, as lazy-TLB mode does in
 * {@code switch_mm_irqs_off()}) and back; exits only when the mm changes, because the restricted
 * address space belongs to an mm.
 */
public final class SameMmPolicy implements ContextSwitchPolicy {
  @Override
  public boolean mustExit(long prevMm, long nextMm) {
    return prevMm != nextMm;
  }
}
