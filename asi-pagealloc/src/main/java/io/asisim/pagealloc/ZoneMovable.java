package io.asisim.pagealloc;

import io.asisim.api.mm.Gfp;
import java.util.ArrayList;
import java.util.List;

/**
 * ZONE_MOVABLE at boot, as mm/mm_init.c sizes it from the {@code kernelcore=} and
 * {@code movablecore=} boot parameters: {@code find_usable_zone_for_movable()},
 * {@code find_zone_movable_pfns_for_nodes()} and {@code adjust_zone_range_for_zone_movable()}, for
 * the model's one node without memory holes (so {@code early_calculate_totalpages()} is the
 * machine's frame count, boot-reserved frames included, as memblock counts them).
 *
 * <p>The sizes are in bytes; the kernel's {@code nn%} forms, {@code kernelcore=mirror} and
 * {@code movable_node} are not modelled (docs/deviations.md).
 */
final class ZoneMovable {
  private ZoneMovable() {}

  /** {@code MAX_ORDER_NR_PAGES}: ZONE_MOVABLE starts at a multiple of it. */
  static final long MAX_ORDER_NR_PAGES = 1L << FrameTable.MAX_ORDER;

  /**
   * {@code find_zone_movable_pfns_for_nodes()} for one node spanning {@code [0, totalpages)}:
   * {@code zone_movable_pfn[0]}, where ZONE_MOVABLE begins, or 0 when there is none.
   *
   * <p>{@code movablecore} is rounded up to {@code MAX_ORDER_NR_PAGES} and turned into the
   * kernelcore it leaves ({@code required_kernelcore = max(kernelcore, totalpages - movablecore)});
   * no kernelcore, or kernelcore covering all memory, means no ZONE_MOVABLE. The pages below the
   * zone ZONE_MOVABLE takes from ({@code movable_zone}, the highest populated one) count as
   * kernelcore; the rest of the kernelcore is taken from that zone's start, and the result is
   * rounded up to {@code MAX_ORDER_NR_PAGES} (0 if that reaches the end of memory).
   *
   * @param spans the zones without ZONE_MOVABLE ({@link ZoneSpan#x86})
   * @param kernelcorePages {@code required_kernelcore} in pages (0: not given)
   * @param movablecorePages {@code required_movablecore} in pages (0: not given)
   */
  static long findZoneMovablePfnsForNodes(List<ZoneSpan> spans, long totalpages, long kernelcorePages,
      long movablecorePages) {
    long requiredKernelcore = kernelcorePages;
    if (movablecorePages > 0) {
      long movable = Math.min(totalpages, roundUp(movablecorePages, MAX_ORDER_NR_PAGES));
      requiredKernelcore = Math.max(requiredKernelcore, totalpages - movable);
    }
    if (requiredKernelcore == 0 || requiredKernelcore >= totalpages) {
      return 0;
    }
    // find_usable_zone_for_movable(): the highest populated zone; usable_startpfn its start
    long usableStartpfn = spans.get(spans.size() - 1).startPfn();
    long kernelcoreRemaining = requiredKernelcore; // kernelcore_node of the only node
    long startPfn = 0;
    long endPfn = totalpages;
    long zoneMovablePfn;
    // for_each_mem_pfn_range(): one range; what lies below usable_startpfn is kernelcore only
    if (startPfn < usableStartpfn) {
      long kernelPages = Math.min(endPfn, usableStartpfn) - startPfn;
      kernelcoreRemaining -= Math.min(kernelPages, kernelcoreRemaining);
      startPfn = usableStartpfn;
    }
    long sizePages = Math.min(endPfn - startPfn, kernelcoreRemaining);
    zoneMovablePfn = startPfn + sizePages;
    // out2: align the start of ZONE_MOVABLE; none if that reaches the node's end
    zoneMovablePfn = roundUp(zoneMovablePfn, MAX_ORDER_NR_PAGES);
    return zoneMovablePfn >= endPfn ? 0 : zoneMovablePfn;
  }

  /**
   * The zones with ZONE_MOVABLE from {@code zoneMovablePfn} to the end of memory
   * ({@code adjust_zone_range_for_zone_movable()}): a zone that ZONE_MOVABLE starts inside ends
   * there, a zone wholly above it is empty and left out (as {@link ZoneSpan#x86} leaves empty zones
   * out). {@code zoneMovablePfn} 0 returns {@code spans} unchanged.
   */
  static List<ZoneSpan> adjustZoneRanges(List<ZoneSpan> spans, long zoneMovablePfn, long totalpages) {
    if (zoneMovablePfn == 0) {
      return spans;
    }
    List<ZoneSpan> out = new ArrayList<>();
    for (ZoneSpan z : spans) {
      if (z.startPfn() >= zoneMovablePfn) {
        continue; // the whole range is within ZONE_MOVABLE
      }
      out.add(z.endPfn() > zoneMovablePfn ? new ZoneSpan(z.index(), z.name(), z.startPfn(), zoneMovablePfn) : z);
    }
    out.add(new ZoneSpan(Gfp.ZONE_MOVABLE, ZoneSpan.NAMES[Gfp.ZONE_MOVABLE], zoneMovablePfn, totalpages));
    return out;
  }

  /** The x86-64 zones of {@code nrFrames} with the ZONE_MOVABLE of {@code kernelcore=}/{@code movablecore=} (bytes). */
  static List<ZoneSpan> spans(long nrFrames, long kernelcoreBytes, long movablecoreBytes) {
    List<ZoneSpan> spans = ZoneSpan.x86(nrFrames);
    long pfn = findZoneMovablePfnsForNodes(spans, nrFrames, kernelcoreBytes >>> 12, movablecoreBytes >>> 12);
    return adjustZoneRanges(spans, pfn, nrFrames);
  }

  private static long roundUp(long v, long to) {
    return (v + to - 1) / to * to;
  }
}
