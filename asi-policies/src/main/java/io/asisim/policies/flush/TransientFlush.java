package io.asisim.policies.flush;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.TlbOps;

/** The TLB operations the flush policies issue for transient aliases, chosen the way the kernel chooses them. */
final class TransientFlush {
  private TransientFlush() {}

  /** Whether {@code va} is in the mm-local region (ephmap): its translations belong to one mm. */
  static boolean isMmLocal(long va) {
    return Long.compareUnsigned(va, AddressSpaces.MM_LOCAL_START) >= 0
        && Long.compareUnsigned(va, AddressSpaces.MM_LOCAL_END) < 0;
  }

  /**
   * Drops {@code va} from {@code cpu}'s TLB. An mm-local alias gets a plain INVLPG of the current
   * PCID, as {@code ephmap_put()} (bjackman/linux mm/ephmap.c) does — correct because the posted
   * ASI code never writes CR3 with NOFLUSH, a dependency that code notes; a shared-kernel-area
   * alias gets {@code flush_tlb_one_kernel()}, as {@code kunmap_local_indexed()} →
   * {@code arch_kmap_local_post_unmap()} does on x86.
   */
  static void local(TlbOps tlb, int cpu, long va) {
    if (isMmLocal(va)) {
      tlb.invlpg(cpu, va);
    } else {
      tlb.flushOne(cpu, va);
    }
  }

  /**
   * {@code flush_tlb_multi()} of {@code [start, start + pages*4K)} on {@code targets}: mm-local
   * addresses are flushed as {@code mm}'s (CPUs that do not have it loaded catch up at their next
   * {@code switch_mm}, without an IPI), shared-kernel-area ones as kernel addresses.
   */
  static void shootdown(TlbOps tlb, int cpu, CpuMask targets, long mm, long start, long pages) {
    tlb.shootdown(cpu, targets, isMmLocal(start) ? mm : TlbOps.ALL_MM, start, pages);
  }
}
