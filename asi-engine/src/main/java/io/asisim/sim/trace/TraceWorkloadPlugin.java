package io.asisim.sim.trace;

import com.google.auto.service.AutoService;
import io.asisim.api.kernel.Workload;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.BadInputException;
import io.asisim.sim.slab.SlabMetrics;
import io.asisim.sim.slab.SlabSensitivity;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code trace} workload: replays a real kmem allocation trace captured with
 * {@code perf record -e kmem:mm_page_alloc -e kmem:mm_page_free -a -- CMD; perf script} or
 * {@code trace-cmd}. The file is parsed when the workload is built, so {@code ops} is known before
 * the first step; bad input fails then, before anything runs.
 */
@AutoService(Plugin.class)
public final class TraceWorkloadPlugin implements Plugin<Workload> {
  /** The plugin name. */
  public static final String NAME = "trace";

  @Override
  public PluginKind kind() {
    return PluginKind.WORKLOAD;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "replay of a perf script / trace-cmd kmem trace (mm_page_alloc, mm_page_free; or kmem_cache_alloc, kmalloc, "
        + "kmem_cache_free, kfree through the SLUB model) through the allocator";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.string("file", "", "the trace: perf script or trace-cmd report text, plain, .gz or .xz (required)"),
        ParamSpec.string("format", TraceFormats.AUTO,
            "trace-format plugin to read the file with; auto sniffs it from the first event lines"),
        ParamSpec.bool("strict", false, "fail on the first malformed or unknown line instead of skipping it"),
        ParamSpec.integer("ops", 0, 0, Integer.MAX_VALUE,
            "alloc/free events to replay from the start of the trace; 0 = all (reading stops after that many)"),
        ParamSpec.choice("slab-sensitivity", SlabSensitivity.RECLAIMABLE.label(), List.of("reclaimable", "none", "all"),
            "which slab caches allocate sensitive pages when slab events are replayed: reclaimable (the ASI "
                + "series' SLAB_RECLAIM_ACCOUNT rule), none, all"));
  }

  @Override
  public List<MetricDescriptor> metrics() {
    return java.util.stream.Stream.concat(TraceMetrics.ALL.stream(), SlabMetrics.ALL.stream()).toList();
  }

  @Override
  public Workload create(Params params, SimContext ctx) {
    String file = params.getString("file").trim();
    if (file.isEmpty()) {
      throw new BadInputException("workload.trace.file is not set (valid: a perf script or trace-cmd report text "
          + "file, plain, .gz or .xz; e.g. --set workload.trace.file=trace.txt.xz, or use 'asi-sim replay TRACE')");
    }
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw new BadInputException("workload.trace.file '" + file + "': not a valid path: " + e.getReason());
    }
    long ops = params.getLong("ops");
    TraceFormats formats = TraceFormats.of(ctx.plugins(PluginKind.TRACE_FORMAT));
    ParsedTrace trace = TraceLoader.load(path, formats, params.getString("format").trim(), params.getBoolean("strict"),
        ops);
    return new TraceWorkload(trace, ops, ctx.metrics(), SlabSensitivity.of(params.getString("slab-sensitivity")));
  }
}
