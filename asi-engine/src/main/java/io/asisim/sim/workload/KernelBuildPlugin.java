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
 * Registers {@link KernelBuildWorkload} as {@code kernel-build}. Per-process defaults come from a
 * real build measured on this project's development machine (Debian 12, kernel 6.x, 2 CPUs):
 * {@code make -j2 linux-noreadline} of Lua 5.4.4 (63 files in src/), under
 * {@code perf stat} and {@code perf record -e kmem:mm_page_alloc,...} following the build's
 * process tree. It ran 363 execs and saw 382271 page faults, 15055 openat(), 17005 read(),
 * 223245 allocations of {@code GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP} (anonymous faults),
 * 12325 of {@code GFP_HIGHUSER_MOVABLE|__GFP_COMP} (page cache and copy-on-write), 8386 of
 * {@code GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP} (page tables, which the simulated machine
 * allocates itself), 1438 of {@code GFP_NOWAIT} and 285 of {@code GFP_HIGHUSER|__GFP_ACCOUNT}
 * (pipe buffers). Hence per process: ~600 anonymous pages, ~40 files opened, ~4 other kernel
 * pages. The process tree, spawn style, headers per unit, user:system ratio and cc1's text working
 * set come from a real {@code tinyconfig} kernel build on the calibration machine
 * ({@code calibration/data/vm-20261201*}/kbuild/kbuild-summary.properties). Both measurements are
 * written up in docs/workloads.md.
 */
@AutoService(Plugin.class)
public final class KernelBuildPlugin implements Plugin<Workload> {
  /**
   * cc1 user cycles per unit: the measured user:system ratio 4.104 (tinyconfig build, untraced
   * rebuild) times the system cycles the model spends per unit under {@code --asi off} with the
   * other defaults (docs/workloads.md has the command and the figure).
   */
  static final long USER_CYCLES_PER_UNIT = 34_000_000;

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
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.integer("ops", 200_000, 1, Long.MAX_VALUE, "steps to run (a compiler process takes ~700)"),
        ParamSpec.integer("jobs", 16, 1, 4096, "make -j: concurrent compiler processes (default 2 x 8 CPUs)"),
        ParamSpec.integer("source-files", 4000, 1, 1_000_000, "distinct source and header files (~70 MiB at the default size)"),
        ParamSpec.integer("pages-per-source", 4, 1, 4096, "mean file size in pages (uniform 1..2x)"),
        ParamSpec.integer("files-per-job", 561, 0, 100_000,
            "headers and sources each cc1 opens and reads (tinyconfig build: median 561 headers per kernel unit)"),
        ParamSpec.integer("anon-pages", 600, 1, 1_000_000, "anonymous pages each compiler touches (trace: 615/exec)"),
        ParamSpec.integer("make-pages", 64, 1, 1_000_000, "anonymous pages of each make process, shared CoW with children"),
        ParamSpec.integer("cow-pages", 0, 0, 1_000_000,
            "writes make's child makes before exec (copy-on-write faults with fork; 0: posix_spawn/vfork)"),
        ParamSpec.integer("kernel-allocs", 4, 0, 1_000_000, "other order-0 kernel pages per compiler (trace: 4/exec)"),
        ParamSpec.integer("object-pages", 8, 1, 1_000_000, "pages of each object file written"),
        ParamSpec.size("build-memory", "96M", 16L << 20, 1L << 42,
            "memory left to the build; the rest is held in 2 MiB blocks, so reclaim must evict page cache"),
        ParamSpec.integer("kthread-every", 200, 0, Integer.MAX_VALUE, "ops between kernel-thread runs (0: none)"),
        ParamSpec.integer("burst", 100, 1, Integer.MAX_VALUE,
            "steps a process runs before another is picked (trace: ~700 steps and ~7 switches per process)"),
        ParamSpec.integer("migrate-one-in", 8, 1, Integer.MAX_VALUE, "a make process migrates after 1 in N compiles"),
        ParamSpec.integer("user-cycles-per-unit", USER_CYCLES_PER_UNIT, 0, Long.MAX_VALUE,
            "cc1 user cycles per unit: 4.104 (measured user:sys) x the modelled system cycles of a unit"),
        ParamSpec.integer("user-data-pages", 600, 0, 1 << 20, "cc1 user data working set in pages (its heap, anon-pages)"),
        ParamSpec.integer("user-text-pages", 305, 0, 1 << 20,
            "cc1 user text working set in pages (305 file-backed faults of cc1 in one unit)"),
        ParamSpec.integer("driver-user-cycles", 300_000, 0, Long.MAX_VALUE,
            "user cycles of make, sh and gcc around each spawn (estimate: ~0.1 ms each)"),
        ParamSpec.integer("pipe-pages", 1, 0, 16, "pages cc1 writes to make through a pipe per unit (0: none)"));
  }

  @Override
  public Workload create(Params p, SimContext ctx) {
    return new KernelBuildWorkload(new KernelBuildParams(p.getLong("ops"), p.getInt("jobs"), p.getInt("source-files"),
        p.getInt("pages-per-source"), p.getInt("files-per-job"), p.getInt("anon-pages"), p.getInt("make-pages"),
        p.getInt("cow-pages"), p.getInt("kernel-allocs"), p.getInt("object-pages"), p.getLong("build-memory"),
        p.getInt("kthread-every"), p.getInt("burst"), p.getInt("migrate-one-in"), p.getLong("user-cycles-per-unit"),
        p.getInt("user-data-pages"), p.getInt("user-text-pages"), p.getLong("driver-user-cycles"),
        p.getInt("pipe-pages")), ctx.random("kernel-build"));
  }
}
