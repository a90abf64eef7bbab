package io.asisim.policies.flush;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.FlushTlbInfo;
import io.asisim.api.machine.TlbOps;

/** The TLB operations the flush policies issue for transient aliases, chosen the way the kernel chooses them. */
final class TransientFlush {
  private TransientFlush() {}

  /**
   * The local flush of a released alias on {@code cpu}. A shared-kernel-area alias gets
   * {@code flush_tlb_one_kernel()} (INVLPG in the current PCID plus {@code invpcid_flush_one()} of
   * the other, and the other ASIDs marked stale), as {@code kunmap_local_indexed()} →
   * {@code arch_kmap_local_post_unmap()} does on x86.
   *
   * <p>An mm-local (ephmap) alias gets exactly what {@code ephmap_put()} (bjackman/linux
   * mm/ephmap.c, commit 056fa0a2) issues: one INVLPG in the current PCID — "do not need to
   * invalidate any others"; the code relies on ASI's CR3 writes never setting NOFLUSH, so the other
   * PCID is flushed when it is next loaded — plus, only under {@code machine.x86.cr3-noflush} and
   * only if the other PCID was loaded while the slot was mapped, an INVPCID of the other PCID,
   * without which the slot's old translation would survive there ({@link TlbOps#flushOneMmLocal}).
   */
  static void local(TlbOps tlb, int cpu, long va) {
    if (AddressSpaces.isMmLocal(va)) {
      tlb.flushOneMmLocal(cpu, va);
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
