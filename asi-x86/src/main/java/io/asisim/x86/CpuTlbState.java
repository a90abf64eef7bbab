package io.asisim.x86;

import io.asisim.api.machine.AddressSpaces;
import java.util.Arrays;

/**
 * The per-CPU TLB and ASI state, one table for all CPUs: the kernel's {@code struct tlb_state}
 * ({@code DEFINE_PER_CPU_ALIGNED(struct tlb_state, cpu_tlbstate)} in arch/x86/mm/tlb.c, declared
 * in arch/x86/include/asm/tlbflush.h) plus the ASI per-CPU variables of bjackman/linux
 * arch/x86/mm/asi.c ({@code curr_asi}, {@code asi_taints}) and the task's ASI target
 * ({@code asi_get_target()}), which follows the CPU here since a simulated task never migrates
 * while in the kernel. Shared, without back pointers, by the CR3/ASID code ({@link X86Cr3}), the
 * MMU access path ({@link X86Mmu}), the flush operations ({@link X86TlbOps}), the address spaces
 * and the ASI core ({@link X86Asi}).
 *
 * <p>Structure of arrays indexed by CPU (and by {@code cpu * TLB_NR_DYN_ASIDS + asid} for
 * {@code ctxs[]}) so that the access path reads primitives. {@code ctxs[].tlb_gen} is modelled by
 * {@link #ctxStale}: a flush aimed at an mm a CPU holds in a non-loaded ASID marks the context
 * stale instead of bumping generations, so the next {@code switch_mm_irqs_off()} into it flushes,
 * as a {@code tlb_gen} mismatch would. {@code cpu_tlbstate_shared.is_lazy} is {@link #isLazy};
 * a shootdown that skips a lazy CPU leaves its entries in place and sets {@link #lazyFlushPending}
 * (its loaded context's {@code tlb_gen} falls behind), caught up when it leaves lazy mode.
 */
final class CpuTlbState {
  /** {@code TLB_NR_DYN_ASIDS}. */
  static final int TLB_NR_DYN_ASIDS = 6;

  /** Number of CPUs. */
  final int nrCpus;
  /** {@code cpu_tlbstate.loaded_mm}: the mm id whose page tables CR3 points to. */
  final long[] loadedMm;
  /** {@code cpu_tlbstate.loaded_mm_asid}. */
  final int[] loadedMmAsid;
  /** {@code cpu_tlbstate.next_asid}: the round-robin victim of {@code choose_new_asid()}. */
  final int[] nextAsid;
  /** {@code cpu_tlbstate.ctxs[asid].ctx_id}: the mm id held in the ASID, -1 for none. */
  final long[] ctxId;
  /** {@code ctxs[asid].tlb_gen} behind the mm's: the ASID must be flushed before reuse. */
  final boolean[] ctxStale;
  /** {@code curr_asi != NULL}: the CPU runs on the restricted page tables. */
  final boolean[] currAsi;
  /** {@code asi_get_target(current) != NULL}: the restricted space to (re)enter. */
  final boolean[] asiTarget;
  /** {@code asi_taints}: the {@code ASI_TAINT_*} bits of the CPU. */
  final int[] taints;
  /** {@code cpu_tlbstate_shared.is_lazy}: idle or a kernel thread runs on the borrowed loaded mm. */
  final boolean[] isLazy;
  /** A shootdown skipped this lazy CPU: the loaded context's {@code tlb_gen} is behind the mm's. */
  final boolean[] lazyFlushPending;
  /**
   * CR3 writes so far on the CPU. A PCID gains TLB entries only while it is loaded, so a
   * translation installed while the count is {@code k} can be cached in a PCID other than the
   * current one only if the count has moved since ({@link #mmLocalMapCr3}).
   */
  final long[] cr3Loads;
  /**
   * For each mm-local slot ({@code (va - MM_LOCAL_START) >> 12}), its CPU's {@link #cr3Loads} when
   * the slot was last mapped; -1 before the first map. What an ephmap under NOFLUSH CR3 writes
   * records at {@code ephmap_get()} to know whether {@code ephmap_put()} must reach the other PCID.
   */
  final long[] mmLocalMapCr3;
  private final int mmLocalSlotsPerCpu;

  /**
   * Boot state: every CPU has {@code init_mm} loaded in ASID 0 and is unrestricted.
   *
   * @param mmLocalSlotsPerCpu mm-local (ephmap) slots of each CPU
   */
  CpuTlbState(int nrCpus, int mmLocalSlotsPerCpu) {
    this.nrCpus = nrCpus;
    cr3Loads = new long[nrCpus];
    this.mmLocalSlotsPerCpu = mmLocalSlotsPerCpu;
    mmLocalMapCr3 = new long[nrCpus * mmLocalSlotsPerCpu];
    Arrays.fill(mmLocalMapCr3, -1L);
    loadedMm = new long[nrCpus];
    loadedMmAsid = new int[nrCpus];
    nextAsid = new int[nrCpus];
    ctxId = new long[nrCpus * TLB_NR_DYN_ASIDS];
    ctxStale = new boolean[nrCpus * TLB_NR_DYN_ASIDS];
    currAsi = new boolean[nrCpus];
    asiTarget = new boolean[nrCpus];
    taints = new int[nrCpus];
    isLazy = new boolean[nrCpus];
    lazyFlushPending = new boolean[nrCpus];
    Arrays.fill(ctxId, -1L);
    for (int c = 0; c < nrCpus; c++) {
      loadedMm[c] = AddressSpaces.INIT_MM;
      ctxId[c * TLB_NR_DYN_ASIDS] = AddressSpaces.INIT_MM;
      nextAsid[c] = 1;
    }
  }

  /** Index of {@code cpu_tlbstate.ctxs[asid]} of {@code cpu} in {@link #ctxId} / {@link #ctxStale}. */
  static int ctx(int cpu, int asid) {
    return cpu * TLB_NR_DYN_ASIDS + asid;
  }

  /** Bytes held by the per-CPU arrays. */
  long arrayBytes() {
    return nrCpus * (8L + 4 + 4 + 1 + 1 + 4 + 2 + 8) + ctxId.length * 9L + mmLocalMapCr3.length * 8L;
  }

  /**
   * {@code ephmap_get()}'s stamp on the mm-local slot at {@code va}, mapped by {@code cpu}: that
   * CPU's {@link #cr3Loads} when the slot is its own; none (-1) when it is another CPU's, whose
   * releasing CPU has its own count.
   */
  void stampMmLocalMap(int cpu, long va) {
    int slot = (int) ((va - AddressSpaces.MM_LOCAL_START) >>> 12);
    mmLocalMapCr3[slot] = slot / mmLocalSlotsPerCpu == cpu ? cr3Loads[cpu] : -1;
  }

  /**
   * Whether the PCID of {@code cpu} other than the current one may cache mm-local {@code va}: the
   * address is not a slot of {@code cpu} with a stamp (nothing to trust), or {@code cpu} wrote CR3
   * since the stamp.
   */
  boolean otherPcidMayCacheMmLocal(int cpu, long va) {
    long idx = (va - AddressSpaces.MM_LOCAL_START) >>> 12;
    if (idx >= mmLocalMapCr3.length || idx / mmLocalSlotsPerCpu != cpu) {
      return true;
    }
    long stamp = mmLocalMapCr3[(int) idx];
    return stamp < 0 || stamp != cr3Loads[cpu];
  }
}
