package io.asisim.sim.workload;

import com.google.auto.service.AutoService;
import io.asisim.api.kernel.Workload;
import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/**
 * Registers {@link KernelBuildWorkload} as {@code kernel-build}. The unit (process tree, spawn
 * styles, faults per process, cc1's headers, large regions and anonymous memory, user time) comes
 * from a real {@code tinyconfig} kernel build on the calibration machine
 * ({@code calibration/data/vm-20261201*}/kbuild/kbuild-summary.properties and the build's strace
 * log); the kernel-page and pipe mix from an earlier {@code make} of Lua on the development
 * machine. Both measurements and every derivation are in docs/workloads.md.
 */
@AutoService(Plugin.class)
public final class KernelBuildPlugin implements Plugin<Workload> {
  /**
   * User cycles per unit: the untraced rebuild's 223.45 ms of user time per unit on the quiet
   * calibration machine ({@code build1.per_unit.user_ms}, calibration/data/vm-20261202/kbuild-quiet;
   * the same build at load 5.3 gave 281.7 ms, inflated by the other load) at its 2596.13 MHz TSC.
   */
  static final long USER_CYCLES_PER_UNIT = 580_100_000;

  /**
   * Bytes the unit's user code fills into the L1 data cache per 1000 user cycles
   * ({@code Kernel.setUserCacheFill}): cachegrind counts 31 041 443 D1 misses (64-byte lines) in all
   * processes of one compile of kernel/fork.c (calibration/data/vm-20261203/cachegrind), whose user
   * time is 925.5 ms per compile in its CPU profile (data/vm-20261203/kprofile-unit, five compiles)
   * at 2596.13 MHz: 1.987e9 bytes over 2.403e9 cycles. A single {@code perf stat} of the same
   * command gives 1 166 ms of user time, or 656 (docs/calibration.md "Cold kernel entries").
   */
  static final int USER_L1D_FILL = 827;

  /**
   * cc1's anonymous faults per unit: the measured 15 795 page faults per unit
   * ({@code build1.per_unit.minor_faults}, run 2) less the other faults the modelled unit takes
   * (docs/workloads.md: 4 460).
   */
  static final int CC1_ANON_PAGES = 11_335;

  /** Compile units finished (cc1 exits): the per-unit figures of docs/calibration.md divide by it. */
  public static final MetricDescriptor UNITS = new MetricDescriptor("kernel_build_units", "count", Better.NEITHER,
      "kernel-build compile units finished (cc1 processes exited)");

  @Override
  public PluginKind kind() {
    return PluginKind.WORKLOAD;
  }

  @Override
  public String name() {
    return "kernel-build";
  }

  @Override
  public String description() {
    return "make -jN-like mix: fork/exec/exit, CoW and anonymous faults, file reads/writes, reclaim, kthreads";
  }

  @Override
  public List<MetricDescriptor> metrics() {
    return List.of(UNITS);
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.integer("ops", 400_000, 1, Long.MAX_VALUE, "steps to run (a compile unit takes ~16 500)"),
        ParamSpec.integer("jobs", 16, 1, 4096, "make -j: concurrent recipes (default 2 x 8 CPUs)"),
        ParamSpec.integer("source-files", 4000, 1, 1_000_000, "distinct source and header files (~70 MiB at the default size)"),
        ParamSpec.integer("pages-per-source", 4, 1, 4096, "mean file size in pages (uniform 1..2x)"),
        ParamSpec.integer("files-per-job", 561, 0, 100_000,
            "headers and sources each cc1 opens and reads (tinyconfig build: median 561 headers per kernel unit)"),
        ParamSpec.integer("anon-pages", CC1_ANON_PAGES, 1, 1_000_000,
            "anonymous pages cc1 faults in per unit, its large regions included (15 795 faults per unit less the rest)"),
        ParamSpec.integer("cow-pages", 6, 0, 1_000_000,
            "inherited pages a fork()ed shell child writes before exec or exit (copy-on-write; estimate)"),
        ParamSpec.integer("kernel-allocs", 4, 0, 1_000_000, "other order-0 kernel pages per cc1 (Lua trace: 4/exec)"),
        ParamSpec.integer("object-pages", 8, 1, 1_000_000, "pages of each object file as writes"),
        ParamSpec.size("build-memory", "640M", 16L << 20, 1L << 42,
            "memory left to the build (the in-flight cc1s of up to 44 MiB each and page cache); the rest is held in 2 MiB blocks"),
        ParamSpec.integer("kthread-every", 200, 0, Integer.MAX_VALUE, "ops between kernel-thread runs (0: none)"),
        ParamSpec.integer("burst", 100, 1, Integer.MAX_VALUE, "steps a process runs before another is picked"),
        ParamSpec.integer("migrate-one-in", 8, 1, Integer.MAX_VALUE, "make migrates at 1 in N recipe lines"),
        ParamSpec.integer("user-cycles-per-unit", USER_CYCLES_PER_UNIT, 0, Long.MAX_VALUE,
            "user cycles per unit (measured 223.4 ms at 2596 MHz), spread over its page-touching steps"),
        ParamSpec.integer("pipe-pages", 1, 0, 16, "pages cc1 writes to make through a pipe per unit (0: none)"),
        ParamSpec.integer("user-l1d-fill", USER_L1D_FILL, 0, 1_000_000,
            "bytes the user code fills into the L1 data cache per 1000 user cycles (cachegrind of one compile; 0: entries stay warm)"));
  }

  @Override
  public Workload create(Params p, SimContext ctx) {
    return new KernelBuildWorkload(new KernelBuildParams(p.getLong("ops"), p.getInt("jobs"), p.getInt("source-files"),
        p.getInt("pages-per-source"), p.getInt("files-per-job"), p.getInt("anon-pages"), p.getInt("cow-pages"),
        p.getInt("kernel-allocs"), p.getInt("object-pages"), p.getLong("build-memory"), p.getInt("kthread-every"),
        p.getInt("burst"), p.getInt("migrate-one-in"), p.getLong("user-cycles-per-unit"), p.getInt("pipe-pages"),
        p.getInt("user-l1d-fill")),
        ctx.random("kernel-build"), ctx.metrics().counter(UNITS));
  }
}
