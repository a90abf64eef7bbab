package io.asisim.pagealloc;

import com.google.auto.service.AutoService;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/** {@code buddy}: the plain Linux buddy allocator, for {@code --asi off}; never touches the restricted map. */
@AutoService(Plugin.class)
public final class BuddyPlugin implements Plugin<PageAllocator> {
  @Override
  public PluginKind kind() {
    return PluginKind.ALLOCATOR;
  }

  @Override
  public String name() {
    return "buddy";
  }

  @Override
  public String description() {
    return "Linux 6.18 zoned buddy allocator (mm/page_alloc.c): pcp lists, migratetype fallbacks, watermarks; no ASI";
  }

  @Override
  public List<ParamSpec> params() {
    return Allocators.commonParams();
  }

  @Override
  public PageAllocator create(Params params, SimContext ctx) {
    return Allocators.buddy(ctx.machine(), ctx.metrics(), gfp -> io.asisim.api.mm.Sensitivity.SENSITIVE,
        Allocators.config(params, false), params.getString("initial-state"));
  }
}
