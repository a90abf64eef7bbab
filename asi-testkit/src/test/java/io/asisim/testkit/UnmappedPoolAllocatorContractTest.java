package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.pagealloc.UnmappedPoolPlugin;

/** The allocator contract on {@code unmapped-pool}. */
class UnmappedPoolAllocatorContractTest extends PageAllocatorContract {
  @Override
  protected Plugin<?> plugin() {
    return new UnmappedPoolPlugin();
  }
}
