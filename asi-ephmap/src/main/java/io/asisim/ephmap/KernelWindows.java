package io.asisim.ephmap;

import io.asisim.api.machine.AddressSpaces;

/**
 * Where the per-CPU kernel-range mappers put their slots. The machine's shared kernel area is the
 * vmalloc range, visible in every restricted address space; the fixmap ({@code FIX_KMAP_BEGIN..END}
 * of arch/x86/include/asm/fixmap.h) is modelled as a window at its top, the mermap region below it,
 * and the vmalloc allocator gets everything beneath. Page tables of a window are built once, as the
 * fixmap's are at boot.
 */
final class KernelWindows {
  private KernelWindows() {}

  /** Start of the kmap-local window (1 GiB below {@code VMALLOC_END}). */
  static final long KMAP_BASE = AddressSpaces.VMALLOC_END - (1L << 30);
  /** Start of the mermap window (2 GiB below {@code VMALLOC_END}). */
  static final long MERMAP_BASE = AddressSpaces.VMALLOC_END - (2L << 30);
  /** End (exclusive) of the range the vmalloc allocator hands out. */
  static final long VMALLOC_ALLOC_END = MERMAP_BASE;
}
