package io.asisim.sim.slab;

import java.util.List;
import java.util.Locale;

/**
 * {@code /proc/slabinfo} as SLUB writes it ({@code print_slabinfo_header()} and {@code cache_show()}
 * in mm/slab_common.c, {@code get_slabinfo()} in mm/slub.c): version 2.1, one line per cache, the
 * most recently created first ({@code slab_caches} is added to at its head). SLUB has no tunables
 * and no shared arrays (zeros), and counts as active every object except the free ones on the
 * node's partial slabs, so {@code active_objs} includes the free slots of per-CPU slabs.
 */
public final class SlabInfo {
  /** The two header lines. */
  public static final String HEADER = "slabinfo - version: 2.1\n"
      + "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
      + " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n";

  private SlabInfo() {}

  /** One cache's line, {@code cache_show()}'s format, without the newline. */
  public static String line(String name, long activeObjs, long numObjs, int objsize, int objperslab, int pagesperslab,
      long activeSlabs, long numSlabs) {
    return String.format(Locale.ROOT, "%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d", name,
        activeObjs, numObjs, objsize, objperslab, pagesperslab, 0, 0, 0, activeSlabs, numSlabs, 0);
  }

  /** The whole file for {@code slub}'s caches. */
  public static String render(Slub slub) {
    StringBuilder sb = new StringBuilder(HEADER);
    List<KmemCache> caches = slub.caches();
    for (int c = caches.size() - 1; c >= 0; c--) {
      KmemCache k = caches.get(c);
      long active = k.objects - slub.freeOnNodePartial(c);
      sb.append(line(k.name, active, k.objects, k.geometry.size(), k.geometry.objects(), k.geometry.pages(), k.slabs,
          k.slabs)).append('\n');
    }
    return sb.toString();
  }
}
