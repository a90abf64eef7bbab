package io.asisim.policies.sensitivity;

import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.mm.SensitivityClassifier;

/**
 * Sensitive exactly when the memory holds user or page-cache data, decided from the mask's
 * provenance and ignoring any explicit {@code __GFP_SENSITIVE}:
 * <ul>
 *   <li>{@code __GFP_HARDWALL}: the {@code GFP_USER} family — user pages
 *       ({@code GFP_HIGHUSER(_MOVABLE)}, THP) and page cache (mapping_gfp_mask() derives from
 *       {@code GFP_HIGHUSER_MOVABLE});</li>
 *   <li>{@code __GFP_MOVABLE}: LRU pages, which are user anonymous memory or page cache
 *       (kernel-internal movable users such as zsmalloc or balloon pages are counted as user
 *       data too — they hold compressed or guest user data).</li>
 * </ul>
 * Kernel allocations ({@code GFP_KERNEL}, {@code GFP_KERNEL_ACCOUNT} page tables and slabs,
 * {@code GFP_ATOMIC}, {@code GFP_NOWAIT}, reclaimable slab) are nonsensitive.
 */
public final class UserDataOnlyClassifier implements SensitivityClassifier {
  @Override
  public Sensitivity classify(int gfpMask) {
    return (gfpMask & (Gfp.__GFP_HARDWALL | Gfp.__GFP_MOVABLE)) != 0 ? Sensitivity.SENSITIVE : Sensitivity.NONSENSITIVE;
  }
}
