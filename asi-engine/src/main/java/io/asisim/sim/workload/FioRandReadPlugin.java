package io.asisim.sim.workload;

import com.google.auto.service.AutoService;
import io.asisim.api.kernel.Workload;
import io.asisim.api.machine.Cost;
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
  /**
   * fio's user time per 4 KiB read: the calibration's quiet run gave 578037 IOPS for one job
   * (1730 ns per I/O) at usr_cpu 19.8 %, so 0.198 x 1730 = 343 ns (docs/workloads.md).
   */
  static final long USER_NS_PER_READ = 343;

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

  /** The {@code huge=} values of a tmpfs mount, indexed as {@code Kernel.SHMEM_HUGE_*}. */
  private static final List<String> TMPFS_HUGE =
      io.asisim.api.kernel.Kernel.SHMEM_HUGE_NAMES.subList(0, io.asisim.api.kernel.Kernel.SHMEM_HUGE_ADVISE + 1);

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.integer("ops", 100_000, 1, Long.MAX_VALUE, "pread() calls to issue"),
        ParamSpec.integer("jobs", 4, 1, 4096, "fio numjobs: processes reading concurrently"),
        ParamSpec.bool("thread", false,
            "fio thread: the jobs are threads of one process (one mm on several CPUs) instead of processes"),
        ParamSpec.size("file-size", "256M", 4096, 1L << 40, "size of the tmpfs file"),
        ParamSpec.size("block-size", "4K", 4096, 1L << 20, "fio bs: bytes per pread()"),
        ParamSpec.choice("tmpfs-huge", "never", TMPFS_HUGE,
            "the tmpfs mount's huge= option: never, always (2 MiB folios, the last one past the end of a file "
                + "that is not a 2 MiB multiple), within_size (2 MiB folios inside the file) or advise "
                + "(only for MADV_HUGEPAGE mappings: none here)"),
        ParamSpec.integer("user-ns-per-read", USER_NS_PER_READ, 0, 1_000_000_000L,
            "fio's user time per read (measured: 19.8% usr of 1730 ns per I/O)"));
  }

  @Override
  public Workload create(Params p, SimContext ctx) {
    long userCycles = p.getLong("user-ns-per-read") * ctx.machine().profile().get(Cost.CLOCK_MHZ) / 1000;
    return new FioRandReadWorkload(p.getInt("jobs"), p.getBoolean("thread"), p.getLong("file-size"), p.getLong("block-size"),
        p.getLong("ops"), userCycles, TMPFS_HUGE.indexOf(p.getString("tmpfs-huge")), ctx.random("fio-randread"));
  }
}
