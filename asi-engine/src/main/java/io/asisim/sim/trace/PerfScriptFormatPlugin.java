package io.asisim.sim.trace;

import com.google.auto.service.AutoService;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.api.trace.TraceFormat;

/** The {@code perf-script} trace format: {@code perf script} text of the kmem tracepoints. */
@AutoService(Plugin.class)
public final class PerfScriptFormatPlugin implements Plugin<TraceFormat> {
  @Override
  public PluginKind kind() {
    return PluginKind.TRACE_FORMAT;
  }

  @Override
  public String name() {
    return KmemTextFormat.Dialect.PERF_SCRIPT.pluginName();
  }

  @Override
  public String description() {
    return "'perf script' text of kmem:mm_page_alloc/mm_page_free/mm_page_free_batched (+ extfrag, zone_locked, "
        + "pcpu_drain) or of kmem:kmem_cache_alloc/kmem_cache_free/kmalloc/kfree";
  }

  @Override
  public TraceFormat create(Params params, SimContext ctx) {
    return new KmemTextFormat(KmemTextFormat.Dialect.PERF_SCRIPT);
  }
}
