package io.asisim.policies.flush;

import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.mapper.FlushPolicy;

/**
 * {@code eager-global}: the paranoid baseline (docs/kernel-map-mappers.md) — every unmap shoots the alias down
 * on every CPU ({@code flush_tlb_kernel_range()} over one page for shared-kernel-area aliases; for
 * an mm-local alias a {@code flush_tlb_multi()} to all CPUs, of which those without the mm loaded
 * catch up at their next {@code switch_mm} without an IPI). Nothing is ever pending, so access
 * loss and exit need no work.
 */
public final class EagerGlobalFlushPolicy implements FlushPolicy {
  private final TlbOps tlb;
  private final CpuMask all = new CpuMask();

  /**
   * @param tlb the machine's TLB operations
   * @param nrCpus number of CPUs
   */
  public EagerGlobalFlushPolicy(TlbOps tlb, int nrCpus) {
    this.tlb = tlb;
    all.setFirst(nrCpus);
  }

  @Override
  public void onTransientMap(int cpu, long mm, long va, long pfn) {}

  @Override
  public void onTransientUnmap(int cpu, long mm, long va, long pfn) {
    TransientFlush.shootdown(tlb, cpu, all, mm, va, 1);
  }

  @Override
  public void beforeReuse(int cpu, long mm, long va) {
    // flushed everywhere at unmap
  }

  @Override
  public void onAccessLost(int cpu, long mm, long pfn) {}

  @Override
  public void onMmExit(int cpu, long mm) {}
}
