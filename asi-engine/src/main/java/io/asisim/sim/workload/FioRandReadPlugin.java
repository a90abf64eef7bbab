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
 * Registers {@link FioRandReadWorkload} as {@code fio-randread}. Defaults: 4 jobs (half the default 8
 * CPUs, so jobs do not compete for CPUs and the comparison isolates the read path), a 256 MiB file
 * (fits comfortably in the default 16 GiB; large enough that reads are spread over 65536 pages),
 * 4 KiB blocks as in the ASI discussion's fio runs, and 100000 reads (each page read about 1.5 times
 * on average).
 */
@AutoService(Plugin.class)
public final class FioRandReadPlugin implements Plugin<Workload> {
  @Override
  public PluginKind kind() {
    return PluginKind.WORKLOAD;
  }

  @Override
  public String name() {
    return "fio-randread";
  }

  @Override
  public String description() {
    return "fio rw=randread bs=4k ioengine=psync on a tmpfs file: pread() of page-cache pages";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.integer("ops", 100_000, 1, Long.MAX_VALUE, "pread() calls to issue"),
        ParamSpec.integer("jobs", 4, 1, 4096, "fio numjobs: processes reading concurrently"),
        ParamSpec.size("file-size", "256M", 4096, 1L << 40, "size of the tmpfs file"),
        ParamSpec.size("block-size", "4K", 4096, 1L << 20, "fio bs: bytes per pread()"));
  }

  @Override
  public Workload create(Params p, SimContext ctx) {
    return new FioRandReadWorkload(p.getInt("jobs"), p.getLong("file-size"), p.getLong("block-size"),
        p.getLong("ops"), ctx.random("fio-randread"));
  }
}
