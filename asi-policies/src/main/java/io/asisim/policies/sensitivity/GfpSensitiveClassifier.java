package io.asisim.policies.sensitivity;

import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.mm.SensitivityClassifier;

/**
 * The rule of Jackman's ASI page-allocator RFC ("mm/page_alloc: Add __GFP_SENSITIVE and always set
 * it", March 2025; "mm/asi: encode sensitivity in freetypes and pageblocks", Sept 2025):
 * {@code gfp_freetype()} takes sensitivity from {@code __GFP_SENSITIVE}, and the RFC adds
 * {@code __GFP_SENSITIVE} to {@code GFP_USER} "since that's the most important data that ASI needs
 * to protect". Masks from a mainline kernel (traces) lack the bit, so a mask that in the RFC
 * kernel would have carried it — one derived from {@code GFP_USER}, recognisable by
 * {@code __GFP_HARDWALL}, which only the {@code GFP_USER} family sets — is sensitive too. This
 * covers {@code GFP_HIGHUSER(_MOVABLE)}, THP and page-cache masks (mapping_gfp_mask() keeps
 * {@code __GFP_HARDWALL} when it clears {@code __GFP_FS}). Everything else is nonsensitive.
 */
public final class GfpSensitiveClassifier implements SensitivityClassifier {
  @Override
  public Sensitivity classify(int gfpMask) {
    return (gfpMask & (Gfp.__GFP_SENSITIVE | Gfp.__GFP_HARDWALL)) != 0 ? Sensitivity.SENSITIVE : Sensitivity.NONSENSITIVE;
  }
}
