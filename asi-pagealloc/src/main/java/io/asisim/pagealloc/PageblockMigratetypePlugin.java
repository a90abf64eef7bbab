package io.asisim.pagealloc;

import com.google.auto.service.AutoService;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/**
 * {@code pageblock-migratetype}: Jackman's ASI page allocator (2025 RFCs) — sensitivity per
 * pageblock, free lists doubled by sensitivity, whole free blocks of at least pageblock order flip
 * (zero + map, or unmap + shootdown) when a blocking request finds nothing of its sensitivity.
 */
@AutoService(Plugin.class)
public final class PageblockMigratetypePlugin implements Plugin<PageAllocator> {
  @Override
  public PluginKind kind() {
    return PluginKind.ALLOCATOR;
  }

  @Override
  public String name() {
    return "pageblock-migratetype";
  }

  @Override
  public String description() {
    return "ASI sensitivity per pageblock with doubled free lists and pageblock flips (Jackman, 2025 RFCs)";
  }

  @Override
  public List<ParamSpec> params() {
    return Allocators.commonParams();
  }

  @Override
  public List<MetricDescriptor> metrics() {
    return PageblockSensitivity.METRICS;
  }

  @Override
  public PageAllocator create(Params params, SimContext ctx) {
    return Allocators.buddy(ctx.machine(), ctx.metrics(), ctx.sensitivity(), Allocators.config(params, true),
        params.getString("initial-state"));
  }
}
