package io.asisim.sim.workload;

import com.google.auto.service.AutoService;
import io.asisim.api.kernel.Workload;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/**
 * Registers {@link ThpFragWorkload} as {@code thp-frag}. Its defaults are those of the real capture
 * (calibration/data/vm-20261207/compaction: 4 608 MiB of headroom, every other page by frame hash,
 * an {@code MADV_HUGEPAGE} region 1 GiB larger than the free 2 MiB blocks, on a 24 GiB machine;
 * docs/calibration.md, "Compaction").
 */
@AutoService(Plugin.class)
public final class ThpFragPlugin implements Plugin<Workload> {
  @Override
  public PluginKind kind() {
    return PluginKind.WORKLOAD;
  }

  @Override
  public String name() {
    return "thp-frag";
  }

  @Override
  public String description() {
    return "the compaction calibration: fragment free memory with MADV_DONTNEED, then fault in an MADV_HUGEPAGE region";
  }

  @Override
  public List<ParamSpec> params() {
    List<ParamSpec> own = List.of(
        ParamSpec.integer("ops", 0, 0, Long.MAX_VALUE, "4 KiB writes of the THP region, at most all of it (0: all)"),
        ParamSpec.size("headroom", "4608M", 0, 1L << 42, "free memory left unfragmented (compact_frag frag MB = free - this)"),
        ParamSpec.integer("stride", 2, 2, 1 << 20, "one page of every STRIDE is kept"),
        ParamSpec.choice("pattern", "hash", List.of("hash", "parity"),
            "which pages are kept: frame hash a multiple of STRIDE (hash), or the frame itself (parity)"),
        ParamSpec.size("thp-extra", "1024M", 0, 1L << 42,
            "the MADV_HUGEPAGE region is the free memory in blocks of order 9 or more plus this"),
        ParamSpec.choice("thp-defrag", "madvise", io.asisim.api.kernel.Kernel.THP_DEFRAG_NAMES,
            "transparent_hugepage/defrag (the calibration's: madvise, direct compaction; defer and defer+madvise: "
                + "kswapd and kcompactd instead; never: neither)"),
        ParamSpec.choice("thp-shrink-underused", "1", List.of("0", "1"),
            "transparent_hugepage/shrink_underused (Linux 6.12): 1, every new THP joins the deferred split queue and "
                + "reclaim splits one with more zero-filled pages than khugepaged-max-ptes-none; 0, only partly "
                + "unmapped THPs are queued"));
    List<ParamSpec> all = new java.util.ArrayList<>(own);
    all.addAll(KhugepagedParams.specs());
    return List.copyOf(all);
  }

  @Override
  public Workload create(Params p, SimContext ctx) {
    return new ThpFragWorkload(p.getLong("headroom") >>> 12, p.getInt("stride"), p.getString("pattern").equals("parity"),
        p.getLong("thp-extra") >>> 12, p.getLong("ops"),
        io.asisim.api.kernel.Kernel.THP_DEFRAG_NAMES.indexOf(p.getString("thp-defrag")), KhugepagedParams.from(p),
        p.getString("thp-shrink-underused").equals("1"));
  }
}
