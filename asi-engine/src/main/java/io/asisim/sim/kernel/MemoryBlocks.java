package io.asisim.sim.kernel;

import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.PageAllocator;

/**
 * Memory blocks and their hot removal and addition (drivers/base/memory.c, mm/memory_hotplug.c),
 * as an ACPI memory eject or a virtio-mem unplug runs them: {@code memory_block_offline()} →
 * {@code offline_pages()} ({@link PageAllocator#offlinePages}: isolation, migration, the pages out
 * of the zone), then {@code remove_memory()} → {@code arch_remove_memory()} →
 * {@code kernel_physical_mapping_remove()} ({@link Machine#removeMemory}: the direct map torn down)
 * and the TLB flush that {@code remove_pagetable()} ends with ({@code flush_tlb_all()}; here over
 * the block's direct-map range on every CPU). Adding it back is {@code add_memory()} →
 * {@code arch_add_memory()} → {@code kernel_physical_mapping_init()} ({@link Machine#addMemory}),
 * then {@code memory_block_online()} → {@code online_pages()} ({@link PageAllocator#onlinePages}).
 * Under ASI the restricted direct map follows the removal only if the machine mirrors direct-map
 * changes ({@code machine.x86.mirror-physmap}); otherwise the checker reports the restricted
 * aliases left to offline memory (docs/checker.md).
 *
 * <p>The block size is x86-64's {@code probe_memory_block_size()} (arch/x86/mm/init_64.c) for a
 * machine booted without {@code memory_block_size=} and on bare metal: 128 MiB
 * ({@code MIN_MEMORY_BLOCK_SIZE}) below 64 GiB of memory ({@code MEM_SIZE_FOR_LARGE_BLOCK}),
 * else 2 GiB ({@code MAX_BLOCK_SIZE}). Counters are registered at the first hot removal, so that a
 * run without one reports none.
 */
final class MemoryBlocks {
  static final long MIN_MEMORY_BLOCK_SIZE = 128L << 20;
  static final long MAX_BLOCK_SIZE = 2L << 30;
  static final long MEM_SIZE_FOR_LARGE_BLOCK = 64L << 30;

  private final Machine machine;
  private final PageAllocator allocator;
  private final Metrics metrics;
  /** Pages per memory block. */
  final long blockPages;
  private Counter offline;
  private Counter offlineFailed;
  private Counter online;

  MemoryBlocks(Machine machine, PageAllocator allocator, Metrics metrics) {
    this.machine = machine;
    this.allocator = allocator;
    this.metrics = metrics;
    this.blockPages = probeMemoryBlockSize(machine.nrFrames() << 12) >>> 12;
  }

  /**
   * {@code probe_memory_block_size()} of Linux 6.12 on bare metal for memory ending at
   * {@code bootMemEnd} bytes: 128 MiB below 64 GiB, else 2 GiB. (Under a hypervisor the kernel
   * takes the largest size the end of memory is aligned to; the machine does not say it is a
   * guest, so that branch is not modelled: docs/deviations.md.)
   */
  static long probeMemoryBlockSize(long bootMemEnd) {
    return bootMemEnd < MEM_SIZE_FOR_LARGE_BLOCK ? MIN_MEMORY_BLOCK_SIZE : MAX_BLOCK_SIZE;
  }

  /** Memory blocks the machine has. */
  long nrBlocks() {
    return machine.nrFrames() / blockPages;
  }

  /** Offline and remove block {@code block}: 0, {@code -EBUSY} (it stays online) or {@code -EINVAL}. */
  int remove(int cpu, long block) {
    counters();
    if (block < 0 || block >= nrBlocks()) {
      return -PageAllocator.EINVAL;
    }
    long start = block * blockPages;
    int rc = allocator.offlinePages(cpu, start, blockPages);
    if (rc != 0) {
      offlineFailed.inc();
      return rc;
    }
    offline.inc();
    if (!machine.removeMemory(cpu, start, blockPages)) {
      throw new IllegalStateException("arch_remove_memory() of memory block " + block + ": no page for a page table");
    }
    machine.flushKernelRange(cpu, start, blockPages);
    return 0;
  }

  /** Add and online block {@code block}, which {@link #remove} removed: 0 or {@code -EINVAL}. */
  int add(int cpu, long block) {
    counters();
    if (block < 0 || block >= nrBlocks() || !machine.isHotRemoved(block * blockPages)) {
      return -PageAllocator.EINVAL;
    }
    long start = block * blockPages;
    if (!machine.addMemory(cpu, start, blockPages)) {
      throw new IllegalStateException("arch_add_memory() of memory block " + block + ": no page for a page table");
    }
    int rc = allocator.onlinePages(cpu, start, blockPages);
    if (rc == 0) {
      online.inc();
    }
    return rc;
  }

  private void counters() {
    if (offline == null) {
      offline = metrics.counter(StandardMetrics.MEMORY_OFFLINE);
      offlineFailed = metrics.counter(StandardMetrics.MEMORY_OFFLINE_FAILED);
      online = metrics.counter(StandardMetrics.MEMORY_ONLINE);
    }
  }
}
