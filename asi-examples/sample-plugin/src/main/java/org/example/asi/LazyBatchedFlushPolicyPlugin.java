package org.example.asi;

import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/**
 * Registers {@link LazyBatchedFlushPolicy} as flush policy {@code lazy-batched}. The
 * {@code META-INF/services/io.asisim.api.plugin.Plugin} file of this jar names this class, which is
 * how the simulator's {@link java.util.ServiceLoader} finds it.
 */
public final class LazyBatchedFlushPolicyPlugin implements Plugin<FlushPolicy> {
  /** The plugin's own metric: batches flushed. */
  static final MetricDescriptor BATCHES = new MetricDescriptor("lazy_batched_flushes", "count", Better.LOWER,
      "shootdown rounds of the lazy-batched flush policy");

  @Override
  public PluginKind kind() {
    return PluginKind.FLUSH;
  }

  @Override
  public String name() {
    return "lazy-batched";
  }

  @Override
  public String description() {
    return "defers the remote flush of lost-access pages until 'batch' are pending, then one shootdown; "
        + "not secure for batch > 1";
  }

  @Override
  public List<MetricDescriptor> metrics() {
    return List.of(BATCHES);
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(ParamSpec.integer("batch", 16, 1, 1 << 20,
        "lost-access pages pending before the shootdown (estimate of a useful batch; 1 = flush at once)"));
  }

  @Override
  public FlushPolicy create(Params params, SimContext ctx) {
    return new LazyBatchedFlushPolicy(ctx.machine().tlb(), params.getInt("batch"), ctx.metrics().counter(BATCHES));
  }
}
