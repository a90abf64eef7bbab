package io.asisim.pagealloc;

import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Migratetype;

/** The {@code ALLOC_*} flags of mm/internal.h, the {@code alloc_flags} of one watermark pass. */
final class AllocFlags {
  private AllocFlags() {}

  static final int ALLOC_WMARK_MIN = 0;
  static final int ALLOC_WMARK_LOW = 1;
  static final int ALLOC_WMARK_HIGH = 2;
  static final int ALLOC_WMARK_MASK = 3;
  static final int ALLOC_NO_WATERMARKS = 0x04;
  static final int ALLOC_OOM = 0x08;
  static final int ALLOC_NON_BLOCK = 0x10;
  static final int ALLOC_MIN_RESERVE = 0x20;
  static final int ALLOC_CMA = 0x80;
  static final int ALLOC_NOFRAGMENT = 0x100;
  static final int ALLOC_HIGHATOMIC = 0x200;
  static final int ALLOC_KSWAPD = 0x800;
  static final int ALLOC_RESERVES = ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM;

  /**
   * The {@code alloc_flags} of {@code __alloc_pages_noprof()}'s first attempt: the low watermark,
   * {@code ALLOC_CMA} for movable requests ({@code gfp_to_alloc_flags_cma()}),
   * {@code ALLOC_KSWAPD}, and {@code ALLOC_NOFRAGMENT} when the preferred zone is Normal and DMA32
   * exists ({@code alloc_flags_nofragment()}).
   */
  static int firstAttempt(int gfp, int mt, Zone preferred, FreeArea fa) {
    int flags = ALLOC_WMARK_LOW | (mt == Migratetype.MIGRATE_MOVABLE ? ALLOC_CMA : 0)
        | ((gfp & Gfp.__GFP_KSWAPD_RECLAIM) != 0 ? ALLOC_KSWAPD : 0);
    if (preferred.index == Gfp.ZONE_NORMAL && fa.byIndex[Gfp.ZONE_DMA32] != null) {
      flags |= ALLOC_NOFRAGMENT;
    }
    return flags;
  }
}
