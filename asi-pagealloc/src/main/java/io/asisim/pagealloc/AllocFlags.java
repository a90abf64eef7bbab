package io.asisim.pagealloc;

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
}
