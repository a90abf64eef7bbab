package io.asisim.sim.workload;

import io.asisim.api.kernel.KhugepagedTunables;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import java.util.List;

/**
 * The files of {@code /sys/kernel/mm/transparent_hugepage/khugepaged/} as workload parameters of
 * the workloads that enable THP, with the kernel's defaults and the ranges its store functions
 * accept ({@link KhugepagedTunables}). One home, so that every such workload names them alike.
 */
final class KhugepagedParams {
  private static final KhugepagedTunables D = KhugepagedTunables.DEFAULTS;
  private static final long UINT_MAX = KhugepagedTunables.UINT_MAX;

  private KhugepagedParams() {}

  /** The parameters, {@code khugepaged-*}. */
  static List<ParamSpec> specs() {
    return List.of(
        ParamSpec.choice("khugepaged-defrag", D.defrag() ? "1" : "0", List.of("0", "1"),
            "khugepaged/defrag: 1, the collapse allocation may reclaim and compact (GFP_TRANSHUGE); 0, only a free block "
                + "(GFP_TRANSHUGE_LIGHT)"),
        ParamSpec.integer("khugepaged-pages-to-scan", D.pagesToScan(), 1, UINT_MAX,
            "khugepaged/pages_to_scan: PTEs one khugepaged wake-up scans (512 per 2 MiB)"),
        ParamSpec.integer("khugepaged-scan-sleep-ms", D.scanSleepMillis(), 0, UINT_MAX,
            "khugepaged/scan_sleep_millisecs: simulated time between khugepaged's wake-ups (the default 10 s is "
                + "longer than most runs: no collapse then)"),
        ParamSpec.integer("khugepaged-alloc-sleep-ms", D.allocSleepMillis(), 0, UINT_MAX,
            "khugepaged/alloc_sleep_millisecs: khugepaged's wait after a failed huge-page allocation"),
        ParamSpec.integer("khugepaged-max-ptes-none", D.maxPtesNone(), 0, 511,
            "khugepaged/max_ptes_none: empty PTEs a 2 MiB range may have and still be collapsed"),
        ParamSpec.integer("khugepaged-max-ptes-swap", D.maxPtesSwap(), 0, 511,
            "khugepaged/max_ptes_swap: swapped-out PTEs likewise (no swap is simulated: never reached)"),
        ParamSpec.integer("khugepaged-max-ptes-shared", D.maxPtesShared(), 0, 511,
            "khugepaged/max_ptes_shared: PTEs of pages shared with another mm (since a fork) likewise"));
  }

  /** The tunables {@code p} names. */
  static KhugepagedTunables from(Params p) {
    return new KhugepagedTunables(p.getString("khugepaged-defrag").equals("1"), p.getLong("khugepaged-pages-to-scan"),
        p.getLong("khugepaged-scan-sleep-ms"), p.getLong("khugepaged-alloc-sleep-ms"),
        p.getInt("khugepaged-max-ptes-none"), p.getInt("khugepaged-max-ptes-swap"),
        p.getInt("khugepaged-max-ptes-shared"));
  }
}
