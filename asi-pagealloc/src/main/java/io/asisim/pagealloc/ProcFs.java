package io.asisim.pagealloc;

import io.asisim.api.mm.Migratetype;
import io.asisim.api.mm.PageAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders an allocator's state as /proc/buddyinfo and /proc/pagetypeinfo, byte for byte as
 * {@code frag_show_print()}, {@code pagetypeinfo_show()}, {@code pagetypeinfo_showfree_print()}
 * and {@code pagetypeinfo_showblockcount_print()} of mm/vmstat.c (Linux 6.18) print them: one
 * node, populated zones only, the migratetype columns of the kernel configuration (Isolate always,
 * as with {@code CONFIG_MEMORY_ISOLATION}; CMA when the allocator has CMA pageblocks, or the
 * columns of the file the state was seeded from), free counts capped at {@code >100000}.
 * The free lists counted are the zone's; pcp pages are not on them, as in the kernel.
 *
 * <p>Extensions, appended after the kernel's sections so that tools reading the standard part
 * keep working (the standard rows sum both sensitivities):
 * <pre>
 * (pageblock-migratetype)
 *
 * Free pages count per migrate type and sensitivity at order      0 ...     10
 * Node    0, zone   Normal, type    Unmovable,    sensitive      0 ...
 * Node    0, zone   Normal, type    Unmovable, nonsensitive      0 ...
 *
 * Number of blocks sensitivity       sensitive nonsensitive
 * Node 0, zone   Normal          ...          ...
 *
 * (unmapped-pool)
 *
 * Unmapped pool (sensitive) free pages count at order      0 ...     10
 * Node    0, pool    sensitive      0 ...
 * </pre>
 * Row prefixes use the kernel's widths ({@code %4d}, {@code %8s}, {@code %12s}); counts use
 * {@code %6lu } and {@code %12lu }.
 */
public final class ProcFs {
  private ProcFs() {}

  private static final int CAP = 100000;

  /** /proc/buddyinfo of {@code allocator} (one of this module's allocators). */
  public static String buddyinfo(PageAllocator allocator) {
    BuddyAllocator a = buddyOf(allocator);
    StringBuilder sb = new StringBuilder();
    for (Zone z : a.zones) {
      sb.append(String.format(Locale.ROOT, "Node %d, zone %8s ", 0, z.name));
      for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
        sb.append(String.format(Locale.ROOT, "%6d ", z.nrFree[o]));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** /proc/pagetypeinfo of {@code allocator}, with this simulator's extensions where they apply. */
  public static String pagetypeinfo(PageAllocator allocator) {
    BuddyAllocator a = buddyOf(allocator);
    List<Migratetype> types = columns(a);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Page block order: %d\n", FrameTable.PB_ORDER));
    sb.append(String.format(Locale.ROOT, "Pages per block:  %d\n", FrameTable.PB_PAGES));
    sb.append('\n');
    sb.append(String.format(Locale.ROOT, "%-43s ", "Free pages count per migrate type at order"));
    orderHeader(sb);
    for (Zone z : a.zones) {
      for (Migratetype mt : types) {
        sb.append(String.format(Locale.ROOT, "Node %4d, zone %8s, type %12s ", 0, z.name, mt.pagetypeinfoName()));
        for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
          long n = 0;
          for (int s = 0; s < a.fa.nrSens; s++) {
            n += z.freeLen(z.list(o, mt.ordinal() + s * FrameTable.MIGRATE_TYPES));
          }
          count(sb, n);
        }
        sb.append('\n');
      }
    }
    sb.append(String.format(Locale.ROOT, "\n%-23s", "Number of blocks type "));
    for (Migratetype mt : types) {
      sb.append(String.format(Locale.ROOT, "%12s ", mt.pagetypeinfoName()));
    }
    sb.append('\n');
    for (Zone z : a.zones) {
      long[] counts = new long[FrameTable.MIGRATE_TYPES];
      for (int p = z.startPfn; p < z.endPfn; p += FrameTable.PB_PAGES) {
        counts[a.ft.pbMigratetype(p)]++;
      }
      sb.append(String.format(Locale.ROOT, "Node %d, zone %8s ", 0, z.name));
      for (Migratetype mt : types) {
        sb.append(String.format(Locale.ROOT, "%12d ", counts[mt.ordinal()]));
      }
      sb.append('\n');
    }
    if (a.asi) {
      appendSensitivity(sb, a, types);
    }
    if (allocator instanceof UnmappedPoolAllocator up) {
      appendPool(sb, up.pool());
    }
    return sb.toString();
  }

  private static void appendSensitivity(StringBuilder sb, BuddyAllocator a, List<Migratetype> types) {
    sb.append(String.format(Locale.ROOT, "\n%-43s ", "Free pages count per migrate type and sensitivity at order"));
    orderHeader(sb);
    String[] names = {"nonsensitive", "sensitive"};
    for (Zone z : a.zones) {
      for (Migratetype mt : types) {
        for (int s = 1; s >= 0; s--) {
          sb.append(String.format(Locale.ROOT, "Node %4d, zone %8s, type %12s, %12s ", 0, z.name,
              mt.pagetypeinfoName(), names[s]));
          for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
            count(sb, z.freeLen(z.list(o, mt.ordinal() + s * FrameTable.MIGRATE_TYPES)));
          }
          sb.append('\n');
        }
      }
    }
    sb.append(String.format(Locale.ROOT, "\n%-23s %12s %12s \n", "Number of blocks sensitivity", "sensitive", "nonsensitive"));
    for (Zone z : a.zones) {
      long ns = 0;
      long total = 0;
      for (int p = z.startPfn; p < z.endPfn; p += FrameTable.PB_PAGES) {
        total++;
        if (a.ft.pbNonsensitive(p)) {
          ns++;
        }
      }
      sb.append(String.format(Locale.ROOT, "Node %d, zone %8s %12d %12d \n", 0, z.name, total - ns, ns));
    }
  }

  private static void appendPool(StringBuilder sb, UnmappedPool pool) {
    String cls = pool.pooled().name().toLowerCase(Locale.ROOT);
    sb.append(String.format(Locale.ROOT, "\n%-43s ", "Unmapped pool (" + cls + ") free pages count at order"));
    orderHeader(sb);
    sb.append(String.format(Locale.ROOT, "Node %4d, pool %12s ", 0, cls));
    for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
      count(sb, pool.freeBlocks(o));
    }
    sb.append('\n');
  }

  private static void orderHeader(StringBuilder sb) {
    for (int o = 0; o < FrameTable.NR_PAGE_ORDERS; o++) {
      sb.append(String.format(Locale.ROOT, "%6d ", o));
    }
    sb.append('\n');
  }

  private static void count(StringBuilder sb, long n) {
    if (n >= CAP) {
      sb.append(String.format(Locale.ROOT, ">%6d ", CAP));
    } else {
      sb.append(String.format(Locale.ROOT, "%6d ", n));
    }
  }

  /** The migratetype columns of {@code a}: a seeded file's, else those of a Linux 6.18 kernel with this configuration. */
  static List<Migratetype> columns(BuddyAllocator a) {
    if (a.seededTypes != null) {
      return a.seededTypes;
    }
    List<Migratetype> t = new ArrayList<>(List.of(Migratetype.UNMOVABLE, Migratetype.MOVABLE,
        Migratetype.RECLAIMABLE, Migratetype.HIGHATOMIC));
    if (a.fa.hasCma) {
      t.add(Migratetype.CMA);
    }
    t.add(Migratetype.ISOLATE);
    return t;
  }

  static BuddyAllocator buddyOf(PageAllocator allocator) {
    if (allocator instanceof BuddyAllocator b) {
      return b;
    }
    if (allocator instanceof UnmappedPoolAllocator u) {
      return u.main();
    }
    throw new IllegalArgumentException("/proc rendering needs an allocator of asi-pagealloc, got "
        + allocator.getClass().getName());
  }
}
