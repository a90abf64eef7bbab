package io.asisim.sim.workload;

import io.asisim.api.kernel.Kernel;

/**
 * The memory of other tenants of the machine: all free memory but a workload's share (and the
 * reclaim watermark above it) held as in-use pages of the kernel's hugetlb pool
 * ({@link Kernel#hugetlbAlloc}), as the huge pages of other tenants would hold it, so that a workload
 * meets memory pressure on a machine of any size. The kernel may migrate them
 * ({@code alloc_contig_range()}, memory offlining). Released at tear-down.
 */
final class OtherTenants {
  private static final int ORDER = 9;
  private final int[] blocks;
  private int held;

  private OtherTenants(int[] blocks, int held) {
    this.blocks = blocks;
    this.held = held;
  }

  /** Holds all free memory but {@code keepBytes} above the reclaim watermark. */
  static OtherTenants hold(Kernel k, long keepBytes) {
    long keep = (keepBytes >>> 12) + k.reclaimWatermark();
    long target = k.freePages() - keep;
    int[] blocks = new int[(int) Math.max(0, target >> ORDER) + 1];
    int held = 0;
    while (target >= (1L << ORDER) && held < blocks.length) {
      int page = k.hugetlbAlloc(0);
      if (page < 0) {
        // free memory the reserve cannot reach is counted in freePages() but is no use to the
        // workload either: on a large machine, lowmem_reserve[] shields all of DMA32 from
        // allocations that may use Normal (1 TiB: 4 GiB, sysctl_lowmem_reserve_ratio 256), so
        // the reserve drained Normal to its watermark. Give the workload its memory back there.
        for (long back = keep; back > 0 && held > 0; back -= 1L << ORDER) {
          k.hugetlbFree(0, blocks[--held]);
        }
        break;
      }
      blocks[held++] = page;
      target -= 1L << ORDER;
    }
    return new OtherTenants(blocks, held);
  }

  /** Gives every block back, in the order they were taken. */
  void release(Kernel k) {
    for (int i = 0; i < held; i++) {
      k.hugetlbFree(0, blocks[i]);
    }
    held = 0;
  }
}
