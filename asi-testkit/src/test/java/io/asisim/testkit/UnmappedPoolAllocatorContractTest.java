package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.pagealloc.UnmappedPoolPlugin;
import java.util.List;
import java.util.Map;

/**
 * The allocator contract on {@code unmapped-pool}. The sweep covers both pooled classes (so both
 * refill and both shrink mapping changes), the direct-map removal, and a shrinker returning
 * whole 2 MiB blocks (9), sub-pageblock blocks (0, which must split the restricted map's leaves)
 * or only order-10 blocks (10).
 */
class UnmappedPoolAllocatorContractTest extends PageAllocatorContract {
  @Override
  protected Plugin<?> plugin() {
    return new UnmappedPoolPlugin();
  }

  @Override
  protected Map<String, List<String>> pathValues() {
    return Map.of("cma", List.of("0", "8M"), "shrink-min-order", List.of("0", "9", "10"));
  }
}
