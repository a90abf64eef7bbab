package io.asisim.ephmap;

import com.google.auto.service.AutoService;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/** Registers {@link VmallocMapper} as mapper {@code vmalloc}; it asks the context for the flush policy. */
@AutoService(Plugin.class)
public final class VmallocMapperPlugin implements Plugin<Mapper> {
  @Override
  public PluginKind kind() {
    return PluginKind.MAPPER;
  }

  @Override
  public String name() {
    return "vmalloc";
  }

  @Override
  public String description() {
    return "vmap() alias in the shared kernel area: rb-tree of free ranges under a lock, lazy vunmap, one global flush per lazy_max_pages";
  }

  @Override
  public List<MetricDescriptor> metrics() {
    return List.of(VmallocMapper.VMAP_PURGES);
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.size("lazy-bytes", "32M", 8L << 10, 1L << 30,
            "lazy_max_pages() = fls(ncpus) * lazy-bytes / PAGE_SIZE; 32 MiB in mm/vmalloc.c"),
        ParamSpec.integer("lock-cycles", 40, 0, 100_000,
            "uncontended spin_lock + spin_unlock: estimate, about one LOCK CMPXCHG (Agner Fog instruction tables) plus the release"),
        ParamSpec.integer("rb-level-cycles", 6, 0, 10_000,
            "one rb-tree level of find_vmap_lowest_match(): estimate, an L1-hit dependent load (Intel optimization manual: 5 cycles) plus a compare"));
  }

  @Override
  public Mapper create(Params params, SimContext ctx) {
    return new VmallocMapper(ctx.machine().addressSpaces(), ctx.machine().tlb(), ctx.machine(), ctx.flushPolicy(), ctx.metrics(),
        ctx.machineConfig().cpus(), params.getLong("lazy-bytes"), params.getLong("lock-cycles"), params.getLong("rb-level-cycles"));
  }
}
