package io.asisim.sim.trace;

import com.google.auto.service.AutoService;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.api.trace.TraceFormat;

/** The {@code trace-cmd} trace format: {@code trace-cmd report} or ftrace {@code trace} text of the kmem events. */
@AutoService(Plugin.class)
public final class TraceCmdFormatPlugin implements Plugin<TraceFormat> {
  @Override
  public PluginKind kind() {
    return PluginKind.TRACE_FORMAT;
  }

  @Override
  public String name() {
    return KmemTextFormat.Dialect.TRACE_CMD.pluginName();
  }

  @Override
  public String description() {
    return "'trace-cmd report' / ftrace text of the kmem page and slab events, with or without the irq-flags column";
  }

  @Override
  public TraceFormat create(Params params, SimContext ctx) {
    return new KmemTextFormat(KmemTextFormat.Dialect.TRACE_CMD);
  }
}
