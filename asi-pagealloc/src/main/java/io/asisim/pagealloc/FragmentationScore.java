package io.asisim.pagealloc;

/**
 * The fragmentation score of proactive compaction (mm/compaction.c): a zone's is
 * {@code extfrag_for_order()} at {@code COMPACTION_HPAGE_ORDER} (the THP order, 9), the share of its
 * free memory in blocks too small for a huge page; a node's is the sum of its zones' weighted by
 * their share of the node's pages, so small zones (DMA, DMA32 on a large machine) barely count.
 * kcompactd compacts proactively when the node's score is above the high mark and each zone until
 * its own score is at most the low mark; {@code vm.compaction_proactiveness} sets both.
 */
final class FragmentationScore {
  /** {@code COMPACTION_HPAGE_ORDER} with {@code CONFIG_TRANSPARENT_HUGEPAGE}: {@code HPAGE_PMD_ORDER}. */
  static final int COMPACTION_HPAGE_ORDER = FrameTable.PB_ORDER;
  /** {@code sysctl_compaction_proactiveness}'s default. */
  static final int DEFAULT_PROACTIVENESS = 20;

  private FragmentationScore() {}

  /** {@code fragmentation_score_zone()}: 0..100. */
  static int zone(Zone z) {
    return ExtFrag.extfragForOrder(COMPACTION_HPAGE_ORDER, z.nrFree);
  }

  /**
   * {@code fragmentation_score_node()}: the sum of {@code fragmentation_score_zone_weighted()},
   * each zone's score times its {@code present_pages} over the node's plus one (the model's zones
   * have no holes: present is spanned).
   */
  static int node(FreeArea fa) {
    long nodePresent = 0;
    for (Zone z : fa.byIndex) {
      if (z != null) {
        nodePresent += z.spannedPages();
      }
    }
    int score = 0;
    for (Zone z : fa.byIndex) {
      if (z != null) {
        score += (int) (z.spannedPages() * zone(z) / (nodePresent + 1));
      }
    }
    return score;
  }

  /** {@code fragmentation_score_wmark()}: the low mark {@code max(100 - proactiveness, 5)}, the high one 10 above (at most 100). */
  static int wmark(int proactiveness, boolean low) {
    int wmarkLow = Math.max(100 - proactiveness, 5);
    return low ? wmarkLow : Math.min(wmarkLow + 10, 100);
  }
}
