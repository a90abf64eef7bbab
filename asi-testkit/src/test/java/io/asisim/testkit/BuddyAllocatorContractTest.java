package io.asisim.testkit;

import io.asisim.api.plugin.Plugin;
import io.asisim.pagealloc.BuddyPlugin;

/** The allocator contract on the plain buddy, the ASI-off baseline's allocator. */
class BuddyAllocatorContractTest extends PageAllocatorContract {
  @Override
  protected Plugin<?> plugin() {
    return new BuddyPlugin();
  }

  @Override
  protected boolean asi() {
    return false;
  }
}
