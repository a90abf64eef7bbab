package io.asisim.pagealloc;

import io.asisim.api.mm.PageAllocator;
import java.util.List;
import java.util.Locale;

/**
 * debugfs's {@code extfrag/unusable_index} and {@code extfrag/extfrag_index} (mm/vmstat.c, Linux
 * 6.18): per populated zone and per order, how much of the free memory cannot serve a request of
 * that order, and whether a request that would fail fails for lack of memory (towards 0) or for
 * fragmentation (towards 1). Both are computed, as the kernel does, from the free blocks per order
 * ({@code zone->free_area[order].nr_free}, what /proc/buddyinfo prints) by
 * {@code fill_contig_page_info()}, {@code unusable_free_index()} and
 * {@code __fragmentation_index()}, and printed by {@code unusable_show_print()} ({@code "%d.%03d "})
 * and {@code extfrag_show_print()} ({@code "%2d.%03d "}). Compaction reads the same
 * fragmentation index ({@code fragmentation_index()}) against {@code vm.extfrag_threshold}.
 */
public final class ExtFrag {
  private ExtFrag() {}

  /** {@code unusable_free_index()}: thousandths of the free pages in blocks smaller than {@code order}. */
  public static int unusableFreeIndex(int order, long[] nrFree) {
    long free = freePages(nrFree);
    if (free == 0) {
      return 1000; // no free memory is interpreted as all free memory unusable
    }
    return (int) ((free - (suitableBlocks(order, nrFree) << order)) * 1000 / free);
  }

  /**
   * {@code __fragmentation_index()}: -1000 when a block of {@code order} is free (the index only
   * means something for a request that would fail), 0 with no free block at all, else
   * {@code 1000 - (1000 + free_pages * 1000 / 2^order) / free_blocks_total}.
   */
  public static int fragmentationIndex(int order, long[] nrFree) {
    long total = 0;
    for (long n : nrFree) {
      total += n;
    }
    if (total == 0) {
      return 0;
    }
    if (suitableBlocks(order, nrFree) > 0) {
      return -1000;
    }
    return (int) (1000 - (1000 + freePages(nrFree) * 1000 / (1L << order)) / total);
  }

  /**
   * {@code extfrag_for_order()} (mm/vmstat.c): the percentage of free memory in blocks smaller than
   * {@code order} (0 with no free memory): proactive compaction's fragmentation score.
   */
  public static int extfragForOrder(int order, long[] nrFree) {
    long free = freePages(nrFree);
    if (free == 0) {
      return 0;
    }
    return (int) ((free - (suitableBlocks(order, nrFree) << order)) * 100 / free);
  }

  private static long freePages(long[] nrFree) {
    long free = 0;
    for (int o = 0; o < nrFree.length; o++) {
      free += nrFree[o] << o;
    }
    return free;
  }

  /** {@code free_blocks_suitable}: free blocks of at least {@code order}, counted in blocks of {@code order}. */
  private static long suitableBlocks(int order, long[] nrFree) {
    long n = 0;
    for (int o = order; o < nrFree.length; o++) {
      n += nrFree[o] << (o - order);
    }
    return n;
  }

  /** A zone's name and its free blocks per order, as /proc/buddyinfo gives them. */
  public record ZoneFree(String name, long[] nrFree) {
    public ZoneFree {
      nrFree = nrFree.clone();
    }
  }

  /** {@code unusable_index} of the zones {@code zones} (populated zones of node 0, in zone order). */
  public static String unusableIndex(List<ZoneFree> zones) {
    return render(zones, true);
  }

  /** {@code extfrag_index} of the zones {@code zones}. */
  public static String extfragIndex(List<ZoneFree> zones) {
    return render(zones, false);
  }

  /** {@code unusable_index} of {@code allocator}'s zones. */
  public static String unusableIndex(PageAllocator allocator) {
    return unusableIndex(zones(allocator));
  }

  /** {@code extfrag_index} of {@code allocator}'s zones. */
  public static String extfragIndex(PageAllocator allocator) {
    return extfragIndex(zones(allocator));
  }

  private static List<ZoneFree> zones(PageAllocator allocator) {
    return java.util.Arrays.stream(ProcFs.buddyOf(allocator).zones).map(z -> new ZoneFree(z.name, z.nrFree)).toList();
  }

  private static String render(List<ZoneFree> zones, boolean unusable) {
    StringBuilder sb = new StringBuilder();
    for (ZoneFree z : zones) {
      sb.append(String.format(Locale.ROOT, "Node %d, zone %8s ", 0, z.name()));
      for (int o = 0; o < z.nrFree.length; o++) {
        int index = unusable ? unusableFreeIndex(o, z.nrFree) : fragmentationIndex(o, z.nrFree);
        // C's / and % truncate towards zero, as Java's do: -1000 prints as -1.000
        sb.append(String.format(Locale.ROOT, unusable ? "%d.%03d " : "%2d.%03d ", index / 1000, index % 1000));
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
