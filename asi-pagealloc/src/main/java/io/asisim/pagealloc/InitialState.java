package io.asisim.pagealloc;

import io.asisim.api.machine.PfnRange;
import io.asisim.api.mm.Migratetype;
import io.asisim.pagealloc.proc.PagetypeInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Seeds a {@link BuddyAllocator} with the free state of a real /proc/pagetypeinfo: zones sized
 * from their block counts and laid out contiguously from pfn 0 (DMA, DMA32, Normal, Movable, no holes),
 * the same number of pageblocks per migratetype, and exactly the same number of free blocks per
 * zone, migratetype and order. Every other managed frame is an allocated order-0 page owned by
 * "the rest of the system" (movable in movable pageblocks), which only a replayed free of a page
 * allocated before the trace began gives back ({@link Preexisting}).
 *
 * <p>The machine's boot reservation ({@link io.asisim.api.machine.ArchPageOps#bootReservation()},
 * what {@code memblock_free_all()} never hands over) is part of the file's non-free memory: free
 * blocks are laid out only in frames outside it, so a zone whose reserved frames outnumber the
 * frames the file shows not free cannot be reproduced (a one-line error naming both sizes).
 *
 * <p>Placement: each migratetype gets a contiguous run of pageblocks, from the top of the zone
 * down (boot-reserved frames sit at the bottom on x86). In its run, order-10 blocks take aligned
 * pageblock pairs, order-9 blocks single pageblocks whose buddy pageblock is not wholly free, and
 * smaller blocks are packed first-fit into the remaining pageblocks at aligned positions whose
 * buddy region is not wholly free — so no two free blocks are buddies and nothing would merge, as
 * in a real kernel's state. Under ASI every seeded pageblock is sensitive (the boot state).
 */
final class InitialState {
  private InitialState() {}

  /** The zones the file implies, checked against the machine size. */
  static List<ZoneSpan> zoneSpans(PagetypeInfo info, long nrFrames, String where) {
    List<ZoneSpan> spans = new ArrayList<>();
    long pfn = 0;
    int lastIndex = -1;
    for (PagetypeInfo.ZoneInfo z : info.zones()) {
      int idx = List.of(ZoneSpan.NAMES).indexOf(z.name());
      if (idx <= lastIndex) {
        throw new IllegalArgumentException(where + ": zone " + z.name() + " out of order (valid: DMA, DMA32, Normal, Movable in that order)");
      }
      lastIndex = idx;
      long pages = z.totalBlocks() * FrameTable.PB_PAGES;
      if (pages == 0) {
        continue;
      }
      spans.add(new ZoneSpan(idx, z.name(), pfn, pfn + pages));
      pfn += pages;
    }
    if (pfn != nrFrames) {
      throw new IllegalArgumentException(where + ": the initial state implies " + (pfn * 4096 >> 20)
          + " MiB of memory but the machine has " + (nrFrames * 4096 >> 20) + " MiB (valid: --memory "
          + (pfn * 4096 >> 20) + "M)");
    }
    return spans;
  }

  /** Seeds {@code a} (built on {@link #zoneSpans}) with the free blocks of {@code info}. */
  static void seed(BuddyAllocator a, PagetypeInfo info, String where) {
    List<PfnRange> reserved = a.arch.bootReservation();
    a.preexisting = new Preexisting(a.ft.nrFrames);
    int zi = 0;
    for (PagetypeInfo.ZoneInfo zinfo : info.zones()) {
      if (zinfo.totalBlocks() == 0) {
        continue;
      }
      Zone z = a.zones[zi++];
      requireRoom(z, zinfo, reserved, where);
      seedZone(a, z, zinfo, reserved, where);
    }
    a.seededTypes = info.types();
    for (Zone z : a.zones) {
      for (int p = z.startPfn; p < z.endPfn; p += FrameTable.PB_PAGES) {
        if (a.ft.pbMigratetype(p) == Migratetype.MIGRATE_CMA) {
          a.fa.hasCma = true;
        }
      }
    }
  }

  /** Fails when the reservation holds more of zone {@code z} than the file shows not free there. */
  private static void requireRoom(Zone z, PagetypeInfo.ZoneInfo info, List<PfnRange> reserved, String where) {
    long inZone = PfnRange.framesIn(reserved, z.startPfn, z.endPfn);
    long nonFree = (long) z.spannedPages() - info.freePages();
    if (inZone > nonFree) {
      throw new IllegalArgumentException(where + ": zone " + z.name + ": the machine's boot reservation holds "
          + inZone + " of its frames (" + mib(inZone) + "), more than the " + nonFree + " frames (" + mib(nonFree)
          + ") the file shows not free there, so its free blocks cannot be laid out around the reservation");
    }
  }

  private static String mib(long frames) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", frames / 256.0);
  }

  /** A placement: the migratetype of every pageblock of the zone and the free blocks. */
  private record Plan(int[] mtOf, List<int[]> chunks) {}

  /**
   * Tries the migratetype runs in every order of the types present (the last run sits at the
   * bottom of the zone, over any boot-reserved frames) and materializes the first that fits.
   */
  private static void seedZone(BuddyAllocator a, Zone z, PagetypeInfo.ZoneInfo info, List<PfnRange> reserved,
      String where) {
    List<Integer> present = new ArrayList<>();
    for (Migratetype mt : Migratetype.values()) {
      if (info.blocks()[mt.ordinal()] > 0) {
        present.add(mt.ordinal());
      }
    }
    for (Migratetype mt : Migratetype.values()) {
      long[] f = info.free()[mt.ordinal()];
      for (long c : f) {
        if (c > 0 && info.blocks()[mt.ordinal()] == 0) {
          throw new IllegalArgumentException(where + ": zone " + z.name + " has free " + mt.pagetypeinfoName()
              + " pages but no " + mt.pagetypeinfoName() + " pageblocks");
        }
      }
    }
    IllegalArgumentException first = null;
    List<int[]> orders = new ArrayList<>();
    permutations(present.stream().mapToInt(Integer::intValue).toArray(), 0, orders);
    for (int[] order : orders) {
      try {
        materialize(a, z, info, reserved, plan(z, info, reserved, order, where));
        return;
      } catch (IllegalArgumentException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    throw first != null ? first : new IllegalArgumentException(where + ": zone " + z.name + " has no pageblocks");
  }

  private static void permutations(int[] a, int k, List<int[]> out) {
    if (k == a.length) {
      out.add(a.clone());
      return;
    }
    for (int i = k; i < a.length; i++) {
      int t = a[k];
      a[k] = a[i];
      a[i] = t;
      permutations(a, k + 1, out);
      a[i] = a[k];
      a[k] = t;
    }
  }

  private static Plan plan(Zone z, PagetypeInfo.ZoneInfo info, List<PfnRange> reserved, int[] mtOrder,
      String where) {
    int nb = z.spannedPages() >>> FrameTable.PB_ORDER;
    int base = z.startPfn >>> FrameTable.PB_ORDER;
    // 0 unassigned, 1 wholly free order 9, 2 half of a free order-10 pair, 3 partial
    byte[] kind = new byte[nb];
    int[] mtOf = new int[nb];
    List<int[]> chunks = new ArrayList<>(); // {pfn, order, mt}
    int top = nb;
    for (int m : mtOrder) {
      Migratetype mt = Migratetype.ofIndex(m);
      int n = (int) info.blocks()[m];
      int runStart = top - n;
      int runEnd = top;
      top = runStart;
      for (int j = runStart; j < runEnd; j++) {
        mtOf[j] = m;
      }
      long[] free = info.free()[m];
      String what = "zone " + z.name + " type " + mt.pagetypeinfoName();
      long pairs = free[10];
      for (int j = runEnd - 1; j > runStart && pairs > 0; ) {
        int lo = j - 1;
        if (((base + lo) & 1) == 0 && !touchesReserved(z, lo, 2, reserved)) {
          kind[lo] = 2;
          kind[j] = 2;
          chunks.add(new int[] {z.startPfn + lo * FrameTable.PB_PAGES, 10, m});
          pairs--;
          j -= 2;
        } else {
          j--;
        }
      }
      if (pairs > 0) {
        throw new IllegalArgumentException(where + ": " + what + ": " + free[10]
            + " free order-10 blocks do not fit in its " + n + " pageblocks above the boot-reserved frames");
      }
      long singles = free[9];
      for (int j = runEnd - 1; j >= runStart && singles > 0; j--) {
        if (kind[j] != 0 || touchesReserved(z, j, 1, reserved)) {
          continue;
        }
        int buddy = ((base + j) ^ 1) - base;
        if (buddy >= 0 && buddy < nb && kind[buddy] == 1) {
          continue;
        }
        kind[j] = 1;
        chunks.add(new int[] {z.startPfn + j * FrameTable.PB_PAGES, 9, m});
        singles--;
      }
      if (singles > 0) {
        throw new IllegalArgumentException(where + ": " + what + ": " + free[9]
            + " free order-9 blocks do not fit in its " + n + " pageblocks above the boot-reserved frames");
      }
      packSmallOrders(z, kind, runStart, runEnd, m, free, reserved, chunks, where, what, n);
    }
    return new Plan(mtOf, chunks);
  }

  /** Pageblock types, every managed frame allocated, then the free blocks in pfn order. */
  private static void materialize(BuddyAllocator a, Zone z, PagetypeInfo.ZoneInfo info, List<PfnRange> reserved,
      Plan plan) {
    FrameTable ft = a.ft;
    int nb = plan.mtOf().length;
    for (int j = 0; j < nb; j++) {
      ft.setPbMigratetype(z.startPfn + j * FrameTable.PB_PAGES, plan.mtOf()[j]);
    }
    for (int p = z.startPfn; p < z.endPfn; p++) {
      if (PfnRange.anyContains(reserved, p)) {
        ft.setState(p, 0);
      } else {
        boolean movable = ft.pbMigratetype(p) == Migratetype.MIGRATE_MOVABLE;
        ft.setState(p, (byte) (FrameTable.ALLOC | (movable ? FrameTable.MOVABLE_ALLOC : 0)));
        a.preexisting.mark(p);
      }
    }
    List<int[]> chunks = new ArrayList<>(plan.chunks());
    chunks.sort((x, y) -> Integer.compare(x[0], y[0]));
    int sensBase = a.asi ? FrameTable.MIGRATE_TYPES : 0;
    for (int[] c : chunks) {
      int n = 1 << c[1];
      for (int p = c[0]; p < c[0] + n; p++) {
        ft.setState(p, 0);
        a.preexisting.unmark(p);
      }
      a.fa.addToFreeList(z, c[0], c[1], c[2] + sensBase, true);
    }
    z.nrReservedHighatomic = info.blocks()[Migratetype.MIGRATE_HIGHATOMIC] * FrameTable.PB_PAGES;
  }

  private static boolean touchesReserved(Zone z, int block, int blocks, List<PfnRange> reserved) {
    long first = z.startPfn + (long) block * FrameTable.PB_PAGES;
    return PfnRange.framesIn(reserved, first, first + (long) blocks * FrameTable.PB_PAGES) > 0;
  }

  /** First-fit packing of orders 8..0 into the run's remaining pageblocks. */
  private static void packSmallOrders(Zone z, byte[] kind, int runStart, int runEnd, int m, long[] free,
      List<PfnRange> reserved, List<int[]> chunks, String where, String what, int n) {
    List<byte[]> pages = new ArrayList<>(); // per opened block: 0 unassigned, 1 free, 2 reserved
    List<Integer> opened = new ArrayList<>();
    int nextBlock = runEnd - 1;
    for (int o = FrameTable.PB_ORDER - 1; o >= 0; o--) {
      long need = free[o];
      int size = 1 << o;
      int bi = 0;
      int k = 0;
      while (need > 0) {
        if (bi == opened.size()) {
          while (nextBlock >= runStart && kind[nextBlock] != 0) {
            nextBlock--;
          }
          if (nextBlock < runStart) {
            throw new IllegalArgumentException(where + ": " + what + ": free blocks of orders 0..8 do not fit in its "
                + n + " pageblocks");
          }
          kind[nextBlock] = 3;
          byte[] pg = new byte[FrameTable.PB_PAGES];
          int first = z.startPfn + nextBlock * FrameTable.PB_PAGES;
          for (int i = 0; i < FrameTable.PB_PAGES; i++) {
            if (PfnRange.anyContains(reserved, first + i)) {
              pg[i] = 2;
            }
          }
          opened.add(nextBlock);
          pages.add(pg);
          nextBlock--;
        }
        byte[] pg = pages.get(bi);
        boolean placed = false;
        for (; k < (FrameTable.PB_PAGES >> o); k++) {
          int p = k << o;
          if (!allIs(pg, p, size, (byte) 0)) {
            continue;
          }
          if (allIs(pg, p ^ size, size, (byte) 1)) {
            continue;
          }
          for (int i = p; i < p + size; i++) {
            pg[i] = 1;
          }
          chunks.add(new int[] {z.startPfn + opened.get(bi) * FrameTable.PB_PAGES + p, o, m});
          need--;
          placed = true;
          k++;
          break;
        }
        if (!placed) {
          bi++;
          k = 0;
        }
      }
    }
  }

  private static boolean allIs(byte[] pg, int from, int n, byte v) {
    for (int i = from; i < from + n; i++) {
      if (pg[i] != v) {
        return false;
      }
    }
    return true;
  }
}
