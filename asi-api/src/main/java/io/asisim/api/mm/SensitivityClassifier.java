package io.asisim.api.mm;

/**
 * Decides the sensitivity of an allocation from its GFP mask (see {@link Gfp}), as the ASI RFCs
 * decide it at allocation time. Plugins of kind {@code sensitivity}.
 */
public interface SensitivityClassifier {
  /** The sensitivity of memory allocated with {@code gfpMask}. */
  Sensitivity classify(int gfpMask);
}
