package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.pagealloc.PageblockMigratetypePlugin;

/** The allocator contract on {@code pageblock-migratetype}. */
class PageblockMigratetypeAllocatorContractTest extends PageAllocatorContract {
  @Override
  protected Plugin<?> plugin() {
    return new PageblockMigratetypePlugin();
  }
}
