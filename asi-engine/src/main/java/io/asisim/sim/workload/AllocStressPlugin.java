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
 * {@code alloc-stress}. Defaults: a 50/50 sensitivity mix and orders weighted 0:50, 1:10, 2:5,
 * 3:10, 4:5, 9:15, 10:5 (mean ~130 pages, so a 16 GiB machine fills in ~30k allocations); memory
 * is driven to exhaustion (target occupancy 1.0: fill until 64 allocations have failed) and drained to
 * 30%, about ten times in the default 1M ops. That is what makes pageblocks flip both ways and
 * the unmapped pool refill and shrink (its shrinker runs only on the watermark slow path).
 */
@AutoService(Plugin.class)
public final class AllocStressPlugin implements Plugin<Workload> {
  static final String DEFAULT_ORDERS = "0:50,1:10,2:5,3:10,4:5,9:15,10:5";

  @Override
  public PluginKind kind() {
    return PluginKind.WORKLOAD;
  }

  @Override
  public String name() {
    return "alloc-stress";
  }

  @Override
  public String description() {
    return "page-allocator stress: sensitivity mix, order distribution, fill-to-exhaustion and drain cycles";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.integer("ops", 1_000_000, 1, Long.MAX_VALUE, "allocations plus frees to perform"),
        ParamSpec.decimal("sensitive-fraction", 0.5, 0, 1, "fraction of allocations of user (sensitive) memory"),
        ParamSpec.decimal("atomic-fraction", 0.02, 0, 1, "fraction of kernel allocations made with GFP_ATOMIC (may not block)"),
        ParamSpec.string("orders", DEFAULT_ORDERS, "order:weight pairs of the allocation size distribution"),
        ParamSpec.decimal("alloc-ratio", 0.7, 0.5, 1, "probability of allocating while filling (of freeing while draining)"),
        ParamSpec.decimal("target-occupancy", 1.0, 0.01, 1, "filling stops at this fraction of memory held, or when an allocation fails"),
        ParamSpec.decimal("low-occupancy", 0.3, 0, 0.99, "draining stops at this fraction of memory held"),
        ParamSpec.integer("fill-failures", 64, 1, 1_000_000, "failed allocations that end a filling phase (memory exhausted)"));
  }

  @Override
  public Workload create(Params p, SimContext ctx) {
    return new AllocStressWorkload(p.getLong("ops"), p.getDouble("sensitive-fraction"), p.getDouble("atomic-fraction"),
        p.getDouble("alloc-ratio"), p.getDouble("target-occupancy"), p.getDouble("low-occupancy"), p.getInt("fill-failures"),
        AllocStressWorkload.parseOrders(p.getString("orders")));
  }
}
