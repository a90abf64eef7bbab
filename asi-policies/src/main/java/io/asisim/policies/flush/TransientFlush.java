package io.asisim.policies.flush;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.FlushTlbInfo;
import io.asisim.api.machine.TlbOps;

/** The TLB operations the flush policies issue for transient aliases, chosen the way the kernel chooses them. */
final class TransientFlush {
  private TransientFlush() {}

  /**
   * Drops {@code va} from {@code cpu}'s TLB in both PCIDs (restricted and unrestricted) of the
   * loaded ASID, as {@code flush_tlb_one_user()} / {@code flush_tlb_one_kernel()} do (INVLPG in the
   * current PCID plus {@code invpcid_flush_one()} of the other, arch/x86/mm/tlb.c).
   *
   * <p>An mm-local (ephmap) alias needs both PCIDs too: {@code ephmap_put()} (bjackman/linux
   * mm/ephmap.c) says it must "flush restricted and unrestricted address space" and issues a bare
   * INVLPG only because its ASI transitions never write CR3 with NOFLUSH. A CPU may release its
   * slot while unrestricted (after a #PF or context-switch {@code asi_exit}); with NOFLUSH CR3
   * writes an INVLPG would leave the slot's old translation in the restricted PCID, readable
   * after the task loses access to the page. For mm-local addresses {@code flushOne} does not
   * invalidate the other ASIDs (the region belongs to the loaded mm); shared-kernel-area aliases
   * get {@code flush_tlb_one_kernel()}, as {@code kunmap_local_indexed()} →
   * {@code arch_kmap_local_post_unmap()} does on x86.
   */
  static void local(TlbOps tlb, int cpu, long va) {
    tlb.flushOne(cpu, va);
  }

  /**
   * {@code flush_tlb_multi()} of {@code [start, start + pages*4K)} on {@code targets}: mm-local
   * addresses are flushed as {@code mm}'s (CPUs that do not have it loaded catch up at their next
   * {@code switch_mm}, without an IPI), shared-kernel-area ones as kernel addresses.
   */
  static void shootdown(TlbOps tlb, int cpu, CpuMask targets, long mm, long start, long pages) {
    tlb.shootdown(cpu, targets, AddressSpaces.isMmLocal(start) ? mm : TlbOps.ALL_MM, start, pages);
  }

  /**
   * The pair of requests a policy accumulates for one mm: mm-local aliases flushed as
   * {@code mm}'s addresses, shared-kernel-area aliases as kernel addresses ({@link TlbOps#ALL_MM}).
   * Reused across flushes, so gathering allocates nothing.
   */
  static final class Ranges {
    final FlushTlbInfo local = new FlushTlbInfo();
    final FlushTlbInfo kernel = new FlushTlbInfo();

    /** Starts gathering for {@code mm}. */
    void reset(long mm) {
      local.reset(mm);
      kernel.reset(TlbOps.ALL_MM);
    }

    /** Adds the alias at {@code va} to the request of its kind. */
    void add(long va) {
      (AddressSpaces.isMmLocal(va) ? local : kernel).add(va);
    }
  }
}
