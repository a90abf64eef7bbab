package io.asisim.pagealloc;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.Sensitivity;

/** The null {@link SensitivityStrategy}: mainline page_alloc.c, every page sensitive, one class. */
final class NoSensitivity implements SensitivityStrategy {
  NoSensitivity(Metrics metrics) {
    // The flip columns exist (at zero) for every variant, so reports compare like with like.
    metrics.counter(StandardMetrics.PAGEBLOCK_FLIPS_TO_SENSITIVE);
    metrics.counter(StandardMetrics.PAGEBLOCK_FLIPS_TO_NONSENSITIVE);
  }

  @Override
  public Sensitivity sensitivity(long pfn) {
    return Sensitivity.SENSITIVE;
  }

  /** Every frame is sensitive, always. */
  @Override
  public long sensitivityChanges() {
    return 0;
  }

  @Override
  public boolean anySensitive(long pfn, long n) {
    return n > 0;
  }
}
