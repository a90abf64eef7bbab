package io.asisim.sim.kernel;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.sim.slab.SlabMetrics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /proc/vmstat} (mm/vmstat.c, {@code vmstat_start()}/{@code vmstat_show()}): one
 * {@code "name value"} line per counter in the order of {@code vmstat_text[]}, here that of Linux
 * 6.18 as a running 6.18.44 x86-64 kernel prints it (resource {@code linux-6.18-vmstat.names}).
 *
 * <p>{@link #of} gives the counters the simulation models, under their kernel names; the
 * rendering prints only those (a counter it does not model is left out rather than printed as 0):
 * <ul>
 *   <li>{@code nr_free_pages}: the zones' free pages at the end ({@code zoneFreePages()}: a
 *       private pool's pages are not free there; pcp pages are counted, the kernel's
 *       {@code NR_FREE_PAGES} leaves them out);
 *   <li>{@code nr_slab_reclaimable}, {@code nr_slab_unreclaimable}: pages in the kernel's slab
 *       caches ({@link KernelSlab}) or a trace's replayed ones;
 *   <li>{@code nr_page_table_pages}: the machine's page-table pages;
 *   <li>{@code pgfault}: every fault {@code handle_mm_fault()} handled (anonymous, copy-on-write,
 *       file);
 *   <li>{@code pgscan_kswapd}, {@code pgscan_direct}, {@code pgsteal_kswapd}, {@code pgsteal_direct}:
 *       page-cache pages reclaim looked at and evicted ({@link Vmscan});
 *   <li>{@code pgmigrate_success}, {@code pgmigrate_fail}, {@code compact_*}: direct compaction
 *       (the allocator's, once the kernel attached page migration);
 *   <li>{@code allocstall_dma}, {@code allocstall_dma32}, {@code allocstall_normal},
 *       {@code allocstall_movable}: direct reclaims, by the highest zone of the request
 *       ({@code __count_zid_vm_events(ALLOCSTALL, sc->reclaim_idx)});
 *   <li>{@code nr_shmem_hugepages}, {@code thp_file_alloc}, {@code thp_file_fallback}, {@code thp_split_page}: PMD-size
 *       tmpfs folios ({@link ShmemHuge}), once a run allows them.
 * </ul>
 */
public final class VmStat {
  private static final String RESOURCE = "linux-6.18-vmstat.names";

  private VmStat() {}

  private static final class Names {
    static final List<String> LIST = load();
    static final Map<String, Integer> INDEX = index(LIST);
  }

  /** The counter names of Linux 6.18's {@code /proc/vmstat}, in its order. */
  public static List<String> names() {
    return Names.LIST;
  }

  private static List<String> load() {
    List<String> names = new ArrayList<>();
    try (InputStream in = VmStat.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " missing from the classpath");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isEmpty() && !line.startsWith("#")) {
          names.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(names);
  }

  private static Map<String, Integer> index(List<String> names) {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), i);
    }
    return m;
  }

  /**
   * The text of {@code /proc/vmstat} for {@code values}: their lines in the kernel's order.
   *
   * @throws IllegalArgumentException for a name Linux 6.18 does not have
   */
  public static String render(Map<String, Long> values) {
    long[] v = new long[Names.LIST.size()];
    boolean[] present = new boolean[v.length];
    for (Map.Entry<String, Long> e : values.entrySet()) {
      Integer i = Names.INDEX.get(e.getKey());
      if (i == null) {
        throw new IllegalArgumentException("no /proc/vmstat counter '" + e.getKey() + "' in Linux 6.18");
      }
      v[i] = e.getValue();
      present[i] = true;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      if (present[i]) {
        sb.append(Names.LIST.get(i)).append(' ').append(v[i]).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * Parses {@code /proc/vmstat} text: name to value, in file order.
   *
   * @throws IllegalArgumentException naming the line of a malformed entry
   */
  public static Map<String, Long> parse(String text) {
    Map<String, Long> m = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      if (line.isEmpty() && n == lines.length - 1) {
        break;
      }
      int sp = line.indexOf(' ');
      long value;
      try {
        value = sp > 0 ? Long.parseLong(line.substring(sp + 1)) : Long.MIN_VALUE;
      } catch (NumberFormatException e) {
        value = Long.MIN_VALUE;
      }
      if (value == Long.MIN_VALUE) {
        throw new IllegalArgumentException("vmstat line " + (n + 1) + ": '" + line + "' (valid: NAME VALUE)");
      }
      m.put(line.substring(0, sp), value);
    }
    return m;
  }

  /** The modelled counters of a variant, under their kernel names, from its metrics and its allocator's state. */
  public static Map<String, Long> of(Metrics m, PageAllocator allocator) {
    Map<String, Long> v = new LinkedHashMap<>();
    v.put("nr_free_pages", allocator.zoneFreePages());
    v.put("nr_slab_reclaimable", m.get(SlabMetrics.NR_SLAB_RECLAIMABLE.name()));
    v.put("nr_slab_unreclaimable", m.get(SlabMetrics.NR_SLAB_UNRECLAIMABLE.name()));
    v.put("nr_page_table_pages", m.get(io.asisim.api.metrics.StandardMetrics.PAGETABLE_PAGES.name()));
    v.put("pgfault", m.get(KernelMetrics.ANON_FAULTS.name()) + m.get(KernelMetrics.COW_FAULTS.name())
        + m.get(KernelMetrics.FILE_FAULTS.name()));
    for (io.asisim.api.metrics.MetricDescriptor d : KernelMetrics.VMSTAT) {
      v.put(d.name(), m.get(d.name()));
    }
    if (m.all().containsKey(io.asisim.api.metrics.StandardMetrics.COMPACT_STALL.name())) { // the allocator compacts
      for (io.asisim.api.metrics.MetricDescriptor d : io.asisim.api.metrics.StandardMetrics.COMPACTION) {
        v.put(d.name(), m.get(d.name()));
      }
    }
    if (m.all().containsKey(io.asisim.api.metrics.StandardMetrics.THP_MIGRATION_SUCCESS.name())) { // a THP was isolated
      for (io.asisim.api.metrics.MetricDescriptor d : io.asisim.api.metrics.StandardMetrics.THP_MIGRATION) {
        v.put(d.name(), m.get(d.name()));
      }
    }
    if (m.all().containsKey(KernelMetrics.THP_FILE_ALLOC.name())) { // huge tmpfs folios were allowed
      for (io.asisim.api.metrics.MetricDescriptor d : KernelMetrics.SHMEM_THP) {
        v.put(d.name(), m.get(d.name()));
      }
    }
    if (m.all().containsKey(KernelMetrics.THP_FAULT_ALLOC.name())) { // THP was enabled in the run
      for (io.asisim.api.metrics.MetricDescriptor d : KernelMetrics.THP) {
        v.put(d.name(), m.get(d.name()));
      }
    }
    return v;
  }
}
