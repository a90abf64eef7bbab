package io.asisim.sim.workload;

import com.google.auto.service.AutoService;
import io.asisim.api.kernel.Workload;
import io.asisim.api.machine.Cost;
import io.asisim.api.mm.PageOrder;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/**
 * Registers {@link ServerMixWorkload} as {@code server-mix}. The defaults are estimates, not
 * measurements of a real server (docs/workloads.md says how they were chosen): 512 MiB for the
 * servers, 4 servers (half the default 8 CPUs) with 32 MiB heaps, files of 150 % of that in 8 files
 * so that reclaim runs within the first 20 000 requests, 8-page (32 KiB) reads, a 256 KiB burst every 16 requests and a job writing
 * 1 MiB every 64 requests.
 */
@AutoService(Plugin.class)
public final class ServerMixPlugin implements Plugin<Workload> {
  /** Estimate: a request's user time (parsing, the response), 5 microseconds. */
  static final long USER_NS_PER_REQUEST = 5_000;

  @Override
  public PluginKind kind() {
    return PluginKind.WORKLOAD;
  }

  @Override
  public String name() {
    return "server-mix";
  }

  @Override
  public String description() {
    return "servers with anonymous heaps read files larger than memory, map request buffers and run short jobs (THP with thp=madvise|always)";
  }

  @Override
  public List<ParamSpec> params() {
    List<ParamSpec> own = List.of(
        ParamSpec.integer("ops", 100_000, 1, Long.MAX_VALUE, "requests"),
        ParamSpec.size("server-memory", "512M", 64L << 20, 1L << 42,
            "memory the servers get; the rest of the machine is held by other tenants in 2 MiB blocks"),
        ParamSpec.integer("servers", 4, 1, 4096, "long-running server processes, served in turn"),
        ParamSpec.integer("threads", 1, 1, 256, "threads per server process (a thread pool sharing its mm and files)"),
        ParamSpec.integer("heap-pages", 8192, 1, 1 << 26, "anonymous heap pages per server, written at start"),
        ParamSpec.integer("files", 8, 1, 4096, "disk-backed files the servers read"),
        ParamSpec.integer("file-percent", 150, 1, 10_000, "total file size in percent of server-memory (above 100: reclaim)"),
        ParamSpec.integer("read-pages", 8, 1, 1 << 16, "pages one request reads (pread of a random run)"),
        ParamSpec.integer("heap-writes", 4, 0, 1 << 16, "random heap pages one request writes"),
        ParamSpec.integer("user-ns-per-request", USER_NS_PER_REQUEST, 0, 1_000_000_000L,
            "user time of a request and of a job (estimate)"),
        ParamSpec.integer("burst-every", 16, 0, Integer.MAX_VALUE, "a burst of anonymous memory every N requests (0: none)"),
        ParamSpec.integer("burst-pages", 64, 1, 1 << 20, "pages mapped, written and unmapped by a burst"),
        ParamSpec.integer("heap-rebuild-every", 0, 0, Integer.MAX_VALUE,
            "every N requests the server in turn drops its heap and writes a new one, as a restart would (munmap, mmap, "
                + "MADV_HUGEPAGE with thp=madvise): huge-page faults on a machine full of page cache (0: never)"),
        ParamSpec.integer("job-every", 64, 0, Integer.MAX_VALUE, "a short-lived job (fork, exec, exit) every N requests (0: none)"),
        ParamSpec.integer("job-pages", 256, 1, 1 << 20, "anonymous pages a job writes"),
        ParamSpec.integer("module-every", 0, 0, Integer.MAX_VALUE,
            "a kernel module load every N requests, unloading the server's previous one (0: none): set_memory_ro() "
                + "of its direct-map aliases (docs/workloads.md)"),
        ParamSpec.integer("module-pages", 16, 1, 1 << 16, "estimate: pages of such a module (text and rodata)"),
        ParamSpec.choice("thp", "never", List.of("never", "madvise", "always"),
            "transparent_hugepage/enabled: never, madvise (the servers madvise their heaps MADV_HUGEPAGE) or always"),
        ParamSpec.integer("heap-purge-pages", 0, 0, 1 << 16,
            "random heap pages a request returns with madvise(MADV_DONTNEED), as a malloc purging freed memory; "
                + "later heap writes fault them in again, wherever the allocator puts them (0: none)"),
        ParamSpec.choice("thp-defrag", "madvise", io.asisim.api.kernel.Kernel.THP_DEFRAG_NAMES,
            "transparent_hugepage/defrag: which THP faults reclaim and compact directly (always: all; madvise, "
                + "defer+madvise: MADV_HUGEPAGE mappings; defer, never: none)"),
        ParamSpec.choice("thp-shrink-underused", "1", List.of("0", "1"),
            "transparent_hugepage/shrink_underused (Linux 6.12): 1, every new THP joins the deferred split queue and "
                + "reclaim splits one with more zero-filled pages than khugepaged-max-ptes-none (never at its default "
                + "511); 0, only partly unmapped THPs are queued"),
        ParamSpec.integer("cma-every", 0, 0, Integer.MAX_VALUE,
            "every N requests a device driver allocates a CMA buffer (dma_alloc_contiguous(); needs the allocator's "
                + "cma area) and frees it N/2 requests later, while the page cache grows into the area (0: never)"),
        ParamSpec.integer("cma-pages", 2048, PageOrder.PAGEBLOCK_NR_PAGES, 1 << 26, "pages of such a buffer, a multiple of 512 (a pageblock)"),
        ParamSpec.integer("hotplug-every", 0, 0, Integer.MAX_VALUE,
            "every N requests the top memory block (128 MiB below 64 GiB, else 2 GiB; ZONE_MOVABLE's with the allocator's "
                + "movablecore) is offlined and removed, or added back and onlined if it was (0: never; docs/workloads.md)"),
        ParamSpec.choice("read-distribution", "uniform", List.of("uniform", "zipf"),
            "which run of which file a request reads: uniform, or zipf (fio's random_distribution=zipf:THETA over "
                + "all files' read-pages runs: a hot set that stays cached while the rest is reclaimed)"),
        ParamSpec.decimal("zipf-theta", 1.2, 0.01, 10,
            "theta of read-distribution=zipf, not 1 (fio's zipf:THETA; fio's documented example is 1.2)"));
    List<ParamSpec> all = new java.util.ArrayList<>(own);
    all.addAll(KhugepagedParams.specs()); // with thp not never
    return List.copyOf(all);
  }

  @Override
  public Workload create(Params p, SimContext ctx) {
    long userCycles = p.getLong("user-ns-per-request") * ctx.machine().profile().get(Cost.CLOCK_MHZ) / 1000;
    ServerMixParams sp = new ServerMixParams(p.getLong("ops"), p.getLong("server-memory"), p.getInt("servers"),
        p.getInt("threads"), p.getInt("heap-pages"),
        p.getInt("files"), p.getInt("file-percent"), p.getInt("read-pages"), p.getInt("heap-writes"), userCycles,
        p.getInt("burst-every"), p.getInt("burst-pages"),
        p.getInt("job-every"), p.getInt("job-pages"), p.getInt("module-every"), p.getInt("module-pages"), List.of("never", "madvise", "always").indexOf(p.getString("thp")),
        io.asisim.api.kernel.Kernel.THP_DEFRAG_NAMES.indexOf(p.getString("thp-defrag")),
        p.getString("thp-shrink-underused").equals("1"), p.getInt("heap-purge-pages"), p.getInt("heap-rebuild-every"),
        p.getInt("cma-every"), cmaPages(p.getInt("cma-pages")),
        p.getString("read-distribution").equals("zipf") ? zipfTheta(p.getDouble("zipf-theta")) : 0,
        KhugepagedParams.from(p), p.getInt("hotplug-every"));
    return new ServerMixWorkload(sp, ctx.random("server-mix"));
  }

  private static int cmaPages(int pages) {
    if (pages % PageOrder.PAGEBLOCK_NR_PAGES != 0) {
      throw new IllegalArgumentException("workload.server-mix.cma-pages: " + pages
          + " is not whole pageblocks (valid: a multiple of 512)");
    }
    return pages;
  }

  private static double zipfTheta(double theta) {
    if (theta == 1.0) {
      throw new IllegalArgumentException("workload.server-mix.zipf-theta: 1 is not valid (fio refuses it too: "
          + "the Zipf draw divides by 1 - theta); valid: 0.01..10 except 1");
    }
    return theta;
  }
}
