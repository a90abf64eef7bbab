package io.asisim.api.machine;

/**
 * The per-CPU PCID-tagged TLBs and the flush operations of arch/x86/mm/tlb.c. Every access and
 * flush charges cycles from the CPU profile to the CPU it runs on and updates the standard metrics
 * ({@code tlb_misses}, {@code tlb_flushes_local}, {@code tlb_shootdowns}, {@code tlb_shootdown_ipis}).
 * Flush ranges are in 4 KiB pages; a range larger than {@link #singlePageFlushCeiling()} pages is
 * flushed whole, as {@code tlb_single_page_flush_ceiling} decides in {@code flush_tlb_mm_range()}.
 */
public interface TlbOps {
  /** Returned by {@link #access} when the address is not mapped even unrestricted. */
  long FAULT = -1;

  /** The mm id meaning "kernel addresses, every address space" in {@link #shootdown}. */
  long ALL_MM = -1;

  /**
   * A data access by {@code cpu} to {@code va} in its current address space: a TLB lookup, on a
   * miss a page walk of the loaded CR3 and a fill. While restricted, a miss on an address absent
   * from the restricted tables but mapped in the unrestricted ones takes the #PF path: {@code asi_exit(page_fault)} attributed to
   * {@code site}, then the access is retried unrestricted (another lookup and walk).
   *
   * @param site an id from {@link AsiOps#exitSite}
   * @return the frame number, or {@link #FAULT} when unmapped unrestricted too (a real page fault
   *     for the caller to handle)
   */
  long access(int cpu, long va, boolean write, int site);

  /** INVLPG: drops {@code va} from the current PCID (and a global entry for it). */
  void invlpg(int cpu, long va);

  /** INVPCID type 0: drops {@code va} tagged {@code pcid}. */
  void invpcidSingle(int cpu, int pcid, long va);

  /** INVPCID type 2: drops every entry of every PCID, global ones included. */
  void invpcidAll(int cpu);

  /** The PCID loaded in CR3 of {@code cpu}. */
  int currentPcid(int cpu);

  /**
   * {@code flush_tlb_one_user()} / {@code flush_tlb_one_kernel()} on this CPU only: drops
   * {@code va} from both PCIDs (restricted and unrestricted) of the loaded ASID; for shared kernel
   * addresses (not the per-mm mm-local region) the other ASIDs are marked stale
   * ({@code invalidate_other_asid()}), since without global pages every ASID may cache them.
   */
  void flushOne(int cpu, long va);

  /**
   * {@code flush_tlb_local()}: drops every non-global entry of the loaded ASID (both PCIDs). Under
   * ASI it runs {@code asi_exit()} first ({@code native_flush_tlb_local()} in bjackman/linux
   * arch/x86/mm/tlb.c: the restricted CR3 is unstable outside a critical section), counted as
   * {@code asi_exits.tlb_flush} at site {@code tlb_flush}.
   */
  void flushLocal(int cpu);

  /**
   * {@code flush_tlb_mm_range()}: flushes {@code [start, start + pages*4K)} of {@code mm} on this
   * CPU if it has {@code mm} loaded and shoots down the other CPUs of the mm's cpumask; a CPU (this
   * one included) that holds {@code mm} in an idle ASID flushes it at its next switch into it, as
   * {@code inc_mm_tlb_gen()} makes it.
   */
  void flushMmRange(int cpu, long mm, long start, long pages);

  /**
   * {@code flush_tlb_kernel_range()}: flushes kernel addresses {@code [start, start + pages*4K)}
   * on every CPU (local flush plus a shootdown to all others), in every PCID.
   */
  void flushKernelRange(int cpu, long start, long pages);

  /**
   * {@code flush_tlb_multi()}: sends one IPI to each CPU of {@code targets} other than {@code cpu}
   * (charging each target {@code ipi-target} plus its flush, and the sender {@code ipi-send} per
   * target plus the wait for the slowest target, as {@code smp_call_function_many_cond()} with
   * {@code wait=true}) and flushes {@code cpu} itself locally if it is in the mask. Lazy-TLB
   * targets are skipped ({@link #setLazy}); kernel-address flushes ({@link #ALL_MM}) reach every
   * target.
   *
   * @param mm the mm whose addresses are flushed, or {@link #ALL_MM} for kernel addresses
   * @param pages range length in pages; above the ceiling each CPU flushes whole
   */
  void shootdown(int cpu, CpuMask targets, long mm, long start, long pages);

  /**
   * {@code flush_tlb_multi()} of an accumulated request: {@code info}'s mm and range on
   * {@code targets}, as {@link #shootdown(int, CpuMask, long, long, long)}. No-op when empty.
   */
  default void shootdown(int cpu, CpuMask targets, FlushTlbInfo info) {
    if (!info.isEmpty()) {
      shootdown(cpu, targets, info.mm(), info.start(), info.pages(), info.freedTables());
    }
  }

  /**
   * {@code flush_tlb_multi()} as {@link #shootdown(int, CpuMask, long, long, long)}, with
   * {@code info->freed_tables}: when page tables were freed, lazy-TLB CPUs ({@link #setLazy}) are
   * flushed too; otherwise {@code native_flush_tlb_multi()} skips them. This default ignores the
   * flag.
   */
  default void shootdown(int cpu, CpuMask targets, long mm, long start, long pages, boolean freedTables) {
    shootdown(cpu, targets, mm, start, pages);
  }

  /**
   * {@code enter_lazy_tlb()} ({@code lazy=true}): {@code cpu} runs the idle task or a kernel thread
   * on the mm it still has loaded (borrowed), {@code cpu_tlbstate_shared.is_lazy}. Shootdowns of
   * that mm skip it unless tables were freed; it catches up on the skipped flushes when it leaves
   * lazy mode: {@code setLazy(cpu, false)} or the next {@code switch_mm_irqs_off()} (also into the
   * same mm), as {@code switch_mm_irqs_off()} compares {@code tlb_gen} when {@code was_lazy}.
   * This default does nothing.
   */
  default void setLazy(int cpu, boolean lazy) {}

  /** {@code cpu_tlbstate_shared.is_lazy} of {@code cpu}. */
  default boolean isLazy(int cpu) {
    return false;
  }

  /**
   * Whether ASI's CR3 writes set NOFLUSH ({@code machine.x86.cr3-noflush}): then the PCID not
   * loaded keeps whatever it cached across the next transition into it.
   */
  default boolean asiCr3NoFlush() {
    return false;
  }

  /**
   * The flush of one released mm-local (ephmap) page, as {@code ephmap_put()} in bjackman/linux
   * mm/ephmap.c (commit 056fa0a2) issues it: INVLPG in the current PCID only (no other ASID, the
   * region belongs to the loaded mm), plus an INVPCID of the loaded ASID's other PCID only when
   * {@link #asiCr3NoFlush()} (the posted code relies on ASI's flushing CR3 writes for that PCID),
   * and then only if that PCID may have cached the slot (x86: CR3 was written on the CPU while the
   * slot was mapped). This default flushes both PCIDs ({@link #flushOne}).
   */
  default void flushOneMmLocal(int cpu, long va) {
    flushOne(cpu, va);
  }

  /**
   * {@code arch_tlbbatch_add_pending()}: records that {@code mm}'s CPUs must be flushed before
   * the batch completes; no flush yet.
   */
  void batchAdd(int cpu, long mm);

  /**
   * {@code arch_tlbbatch_flush()}: one full flush on each CPU of the pending mask, by IPI to the
   * others; clears the batch. No-op when nothing is pending.
   */
  void batchFlush(int cpu);

  /** The CPUs that may hold entries of {@code mm} ({@code mm_cpumask()}); read-only view. */
  CpuMask mmCpumask(long mm);

  /** {@code tlb_single_page_flush_ceiling}: 33 in arch/x86/mm/tlb.c. */
  int singlePageFlushCeiling();

  /**
   * Enumerates the entries of {@code cpu}'s TLB usable while restricted: entries tagged with a
   * restricted PCID of a live ASID and global entries. Allocation-free.
   */
  void forEachRestrictedEntry(int cpu, TlbVisitor visitor);

  /**
   * {@link #forEachRestrictedEntry} without the entries settled since the last {@link #unsettle}
   * of {@code cpu} (an entry that is refilled is unsettled); the visitor's answer settles an entry.
   * The marks are one set per TLB, so only one caller may settle (the engine's exposure scan);
   * {@link #forEachRestrictedEntry} ignores them. By default nothing is ever settled: every entry is
   * visited, which is correct for any implementation (the default allocates one adapter per call).
   */
  default void forEachUnsettledRestrictedEntry(int cpu, SettlingTlbVisitor visitor) {
    forEachRestrictedEntry(cpu, visitor::entry);
  }

  /** Unsettles every entry of {@code cpu}: the next enumeration visits them all again (one bitmap fill). */
  default void unsettle(int cpu) {}

  /**
   * Unsettles the entries of {@code cpu} that reach one of the frames {@code sortedPfns[0..n)}
   * (ascending); entries of other frames stay settled. By default every entry is unsettled, which
   * is always correct.
   */
  default void unsettleFrames(int cpu, long[] sortedPfns, int n) {
    unsettle(cpu);
  }

  /**
   * {@link #forEachRestrictedEntry} restricted to the entries whose page overlaps {@code pages}
   * pages from {@code va}, each once: the checker's incremental TLB-coherence check probes only
   * addresses whose translation changed. This default filters the whole enumeration (correct,
   * linear in the TLB); an implementation probes the sets those addresses index. Allocation-free in
   * implementations; the default allocates one adapter per call.
   */
  default void forEachRestrictedEntryIn(int cpu, long va, long pages, TlbVisitor visitor) {
    long end = va + (pages << 12);
    forEachRestrictedEntry(cpu, (c, mm, eva, pfn, shift) -> {
      if (Long.compareUnsigned(eva, end) < 0 && Long.compareUnsigned(va, eva + (1L << shift)) < 0) {
        visitor.entry(c, mm, eva, pfn, shift);
      }
    });
  }

  /** Number of valid entries in {@code cpu}'s TLB (all PCIDs and sizes), for tests and reports. */
  int validEntries(int cpu);
}
