package io.asisim.pagealloc;

import com.google.auto.service.AutoService;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code unmapped-pool}: Rapoport's {@code __GFP_UNMAPPED} pool (2023 RFC) holding one
 * sensitivity class in a separate buddy cache over a plain buddy allocator.
 */
@AutoService(Plugin.class)
public final class UnmappedPoolPlugin implements Plugin<PageAllocator> {
  @Override
  public PluginKind kind() {
    return PluginKind.ALLOCATOR;
  }

  @Override
  public String name() {
    return "unmapped-pool";
  }

  @Override
  public String description() {
    return "one sensitivity class in a separate pool refilled by 2 MiB blocks, with a shrinker (Rapoport, __GFP_UNMAPPED, 2023)";
  }

  @Override
  public List<MetricDescriptor> metrics() {
    return List.of(UnmappedPool.REFILL_FAILURES);
  }

  @Override
  public List<ParamSpec> params() {
    List<ParamSpec> p = new ArrayList<>(Allocators.commonParams());
    p.add(ParamSpec.choice("pooled", "sensitive", List.of("sensitive", "nonsensitive"),
        "which sensitivity class lives in the pool (the other stays in the main allocator)"));
    p.add(ParamSpec.bool("unmap-direct-map", false,
        "also remove pooled sensitive pages from the unrestricted direct map, as __GFP_UNMAPPED did for secretmem"));
    p.add(ParamSpec.integer("shrink-min-order", 9, 0, 10,
        "the shrinker returns free pool blocks of at least this order (9: whole 2 MiB blocks)"));
    p.add(ParamSpec.integer("shrink-batch", 128, 1, 1_000_000,
        "blocks returned per shrinker call (SHRINK_BATCH is 128 objects); it runs from every reclaim round and where "
            + "the main allocator leaves its fast path"));
    return p;
  }

  @Override
  public PageAllocator create(Params params, SimContext ctx) {
    BuddyAllocator main = Allocators.buddy(ctx.machine(), ctx.metrics(), ctx.sensitivity(),
        Allocators.config(params, false), params.getString("initial-state"));
    Sensitivity pooled = params.getString("pooled").equals("sensitive") ? Sensitivity.SENSITIVE : Sensitivity.NONSENSITIVE;
    return Allocators.unmappedPool(main, ctx.metrics(), ctx.sensitivity(), pooled,
        params.getBoolean("unmap-direct-map"), params.getInt("shrink-min-order"), params.getInt("shrink-batch"));
  }
}
