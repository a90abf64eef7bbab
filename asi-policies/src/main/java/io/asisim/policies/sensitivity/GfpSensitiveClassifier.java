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
 *
 * <p>Slab caches: which ones the kernel creates with {@code __GFP_SENSITIVE} is this classifier's
 * {@code slab} parameter. The posted series' choice is {@code reclaimable} ("[RFC HACKS] mm/slub:
 * Set __GFP_SENSITIVE for reclaimable slabs": caches with {@code SLAB_RECLAIM_ACCOUNT}).
 */
public final class GfpSensitiveClassifier implements SensitivityClassifier {
  /** The values of the {@code slab} parameter. */
  public static final java.util.List<String> SLAB_CHOICES = java.util.List.of("reclaimable", "none", "all");

  private final String slab;

  /** The posted series' rule for slabs: reclaimable caches sensitive. */
  public GfpSensitiveClassifier() {
    this("reclaimable");
  }

  /** @param slab which slab caches are sensitive: one of {@link #SLAB_CHOICES} */
  public GfpSensitiveClassifier(String slab) {
    if (!SLAB_CHOICES.contains(slab)) {
      throw new IllegalArgumentException("slab '" + slab + "' (valid: " + String.join(", ", SLAB_CHOICES) + ")");
    }
    this.slab = slab;
  }

  @Override
  public Sensitivity classify(int gfpMask) {
    return (gfpMask & (Gfp.__GFP_SENSITIVE | Gfp.__GFP_HARDWALL)) != 0 ? Sensitivity.SENSITIVE : Sensitivity.NONSENSITIVE;
  }

  @Override
  public boolean sensitiveSlab(boolean reclaimable) {
    return slab.equals("all") || (reclaimable && slab.equals("reclaimable"));
  }
}
