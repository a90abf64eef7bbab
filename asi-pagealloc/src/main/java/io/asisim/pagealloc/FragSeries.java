package io.asisim.pagealloc;

import io.asisim.api.mm.Migratetype;
import io.asisim.api.mm.PageAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One sample of the fragmentation state over a run, for a time series: per zone, migratetype and
 * (under ASI) sensitivity, the free pageblocks (free blocks of order 9, and 10 counted as two: what
 * {@code /proc/pagetypeinfo} shows at those orders), and per zone debugfs's {@code unusable_index}
 * at the pageblock order ({@link ExtFrag#unusableFreeIndex}, in thousandths). Columns are fixed for
 * an allocator ({@link #names}), values in the same order ({@link #sample}).
 */
public final class FragSeries {
  private FragSeries() {}

  /** The column names of {@link #sample} for {@code allocator}. */
  public static List<String> names(PageAllocator allocator) {
    BuddyAllocator a = ProcFs.buddyOf(allocator);
    List<String> out = new ArrayList<>();
    for (Zone z : a.zones) {
      for (Migratetype mt : ProcFs.columns(a)) {
        for (int s = a.fa.nrSens - 1; s >= 0; s--) {
          out.add(String.format(Locale.ROOT, "free_pageblocks.%s.%s%s", z.name, mt.pagetypeinfoName(),
              a.fa.nrSens == 1 ? "" : s == 1 ? ".sensitive" : ".nonsensitive"));
        }
      }
    }
    for (Zone z : a.zones) {
      out.add("unusable_index." + z.name + "." + FrameTable.PB_ORDER);
    }
    return out;
  }

  /** The values of {@link #names}, now. */
  public static long[] sample(PageAllocator allocator) {
    BuddyAllocator a = ProcFs.buddyOf(allocator);
    List<Migratetype> types = ProcFs.columns(a);
    long[] v = new long[a.zones.length * (types.size() * a.fa.nrSens + 1)];
    int i = 0;
    for (Zone z : a.zones) {
      for (Migratetype mt : types) {
        for (int s = a.fa.nrSens - 1; s >= 0; s--) {
          int list = mt.ordinal() + s * FrameTable.MIGRATE_TYPES;
          long n = 0;
          for (int o = FrameTable.PB_ORDER; o < FrameTable.NR_PAGE_ORDERS; o++) {
            n += (long) z.freeLen(z.list(o, list)) << (o - FrameTable.PB_ORDER);
          }
          v[i++] = n;
        }
      }
    }
    for (Zone z : a.zones) {
      v[i++] = ExtFrag.unusableFreeIndex(FrameTable.PB_ORDER, z.nrFree);
    }
    return v;
  }
}
