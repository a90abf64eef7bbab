package io.asisim.pagealloc;

import java.util.ArrayList;
import java.util.List;

/**
 * The pfn span of one zone.
 *
 * @param index {@code ZONE_DMA} (0), {@code ZONE_DMA32} (1), {@code ZONE_NORMAL} (2) or
 *     {@code ZONE_MOVABLE} (3)
 * @param name the name /proc prints: {@code DMA}, {@code DMA32}, {@code Normal}, {@code Movable}
 * @param startPfn first frame
 * @param endPfn one past the last frame
 */
public record ZoneSpan(int index, String name, long startPfn, long endPfn) {
  /** Zone names by index, as {@code zone_names[]} (mm/page_alloc.c). */
  public static final String[] NAMES = {"DMA", "DMA32", "Normal", "Movable"};

  /** {@code MAX_DMA_PFN} on x86-64: 16 MiB. */
  public static final long MAX_DMA_PFN = (16L << 20) >>> 12;

  /** {@code MAX_DMA32_PFN} on x86-64: 4 GiB. */
  public static final long MAX_DMA32_PFN = (4L << 30) >>> 12;

  public ZoneSpan {
    if (endPfn <= startPfn || startPfn % FrameTable.PB_PAGES != 0 || endPfn % FrameTable.PB_PAGES != 0) {
      throw new IllegalArgumentException("zone " + name + " must span whole pageblocks: " + startPfn + ".." + endPfn);
    }
  }

  /** Pages spanned. */
  public long pages() {
    return endPfn - startPfn;
  }

  /**
   * The zones x86-64 builds for {@code nrFrames} of memory without holes
   * ({@code zone_sizes_init()} in arch/x86/mm/init.c): DMA below 16 MiB, DMA32 below 4 GiB, Normal
   * above; empty zones are left out. No ZONE_MOVABLE: {@link ZoneMovable#spans} adds it.
   */
  public static List<ZoneSpan> x86(long nrFrames) {
    List<ZoneSpan> z = new ArrayList<>();
    long dmaEnd = Math.min(nrFrames, MAX_DMA_PFN);
    z.add(new ZoneSpan(0, NAMES[0], 0, dmaEnd));
    if (nrFrames > MAX_DMA_PFN) {
      z.add(new ZoneSpan(1, NAMES[1], MAX_DMA_PFN, Math.min(nrFrames, MAX_DMA32_PFN)));
    }
    if (nrFrames > MAX_DMA32_PFN) {
      z.add(new ZoneSpan(2, NAMES[2], MAX_DMA32_PFN, nrFrames));
    }
    return z;
  }
}
