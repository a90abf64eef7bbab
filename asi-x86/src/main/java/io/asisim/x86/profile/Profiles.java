package io.asisim.x86.profile;

import static io.asisim.api.machine.Cost.*;

import io.asisim.api.machine.CpuTrait;

/**
 * Default values of the built-in CPU profiles, each with its source. Values no public document
 * states for that CPU are marked "estimate" with the reasoning; none was chosen to reproduce any
 * ASI benchmark. Kernel privileged instructions (CR3 writes, INVLPG, INVPCID, WRMSR to
 * IA32_PRED_CMD/IA32_FLUSH_CMD) are not covered by uops.info or Agner Fog's tables, so their
 * costs are estimates throughout.
 */
final class Profiles {
  private Profiles() {}

  static final String ORDER_IBPB = "estimate: IBPB flushes all indirect-branch predictions; kernel commit "
      + "'x86/speculation: Prepare for conditional IBPB in switch_mm()' (2018) calls it expensive "
      + "and public measurements put it in the thousands of cycles";
  static final String RSB = "estimate: __FILL_RETURN_BUFFER (arch/x86/include/asm/nospec-branch.h) "
      + "executes RSB_CLEAR_LOOPS=32 call/trap pairs, a few cycles each";
  static final String SHOOTDOWN = "estimate: Amit et al., 'Optimizing the TLB Shootdown Algorithm with "
      + "Page-Access Tracking' (USENIX ATC 2017) measure Linux shootdowns at several microseconds";
  static final String WALK = "estimate: one paging-structure read per level, mostly hitting the "
      + "paging-structure caches and L1/L2 (Intel SDM vol. 3A 4.10.3)";

  /** Common estimates for a modern out-of-order x86 core at server clocks. */
  private static ProfileSpec common() {
    return new ProfileSpec()
        .cost(RSB_FILL, 70, RSB)
        .cost(INVLPG, 150, "estimate: serialising invalidation of one address, ~100-200 cycles")
        .cost(INVPCID_SINGLE, 200, "estimate: INVPCID type 0, slightly above INVLPG")
        .cost(INVPCID_ALL, 600, "estimate: INVPCID type 2, all PCIDs and globals, plus later refills not included")
        .cost(PAGE_WALK_LEVEL, 15, WALK)
        .cost(TLB_HIT, 1, "estimate: an L1 DTLB hit is folded into load latency; STLB hits add a few cycles")
        .cost(IPI_SEND, 2000, SHOOTDOWN + " (sender: ICR writes and waiting for acks)")
        .cost(IPI_TARGET, 1500, SHOOTDOWN + " (target: interrupt entry, flush_tlb_func, ack, return)")
        .cost(PAGE_FAULT, 1000, "estimate: #PF exception entry + handler dispatch + IRET with mitigations")
        .cost(SYSCALL, 200, "estimate: SYSCALL/SYSRET round trip plus entry code with mitigations")
        .cost(CLEAR_PAGE, 300, "estimate: clear_page_erms (rep stosb) of 4 KiB at ~16 B/cycle cache-cold")
        .cost(COPY_PAGE, 500, "estimate: copy_page of 4 KiB cache-cold, reads and writes")
        .cost(PTE_WRITE, 5, "estimate: one store to a page-table entry plus bookkeeping")
        .trait(CpuTrait.NEEDS_RSB_FILL, true, "maybe_flush_control() in arch/x86/mm/asi.c calls "
            + "fill_return_buffer() whenever control taints are due")
        .trait(CpuTrait.IBPB_ON_EVERY_EXIT, false, "only the RFC benchmark build hard-coded IBPB into asi_exit()")
        .trait(CpuTrait.PCID, true, "CPUID.01H:ECX.PCID (all modelled CPUs have it; the model assumes it)")
        .trait(CpuTrait.INVPCID, true, "CPUID.07H:EBX.INVPCID (all modelled CPUs have it; the model assumes it)");
  }

  /** Intel Xeon Scalable 4th gen (Sapphire Rapids, Golden Cove cores), e.g. Xeon Platinum 8480+. */
  static ProfileSpec sapphireRapids() {
    return common()
        .cost(CLOCK_MHZ, 2000, "Intel ARK, Xeon Platinum 8480+: 2.0 GHz base frequency")
        .cost(CR3_WRITE, 200, "estimate: MOV to CR3 with PCID, a few hundred cycles (KPTI-era LKML reports)")
        .cost(IBPB, 4000, ORDER_IBPB)
        .cost(COPY_PAGE_CACHED, 100, "estimate: 4 KiB memcpy hitting L1/L2, 64 B lines at about one load and one "
            + "store per cycle (docs/calibration.md measures 108 TSC ticks on a Zen 4)")
        .cost(LLC_KIB, 107520, "Intel ARK, Xeon Platinum 8480+: 105 MB cache")
        .cost(L1D_FLUSH, 1200, "estimate: IA32_FLUSH_CMD writes back 48 KiB L1D (only used if l1tf is set)")
        .cost(FULL_FLUSH, 200, "estimate: a CR3 reload of the current PCID costs a CR3 write")
        .cost(TLB_4K_ENTRIES, 2048, "Intel 64 and IA-32 Optimization Reference Manual, Golden Cove: STLB 2048 entries (4K/2M)")
        .cost(TLB_4K_WAYS, 16, "estimate: STLB associativity (16-way) as reported for Golden Cove")
        .cost(TLB_2M_ENTRIES, 2048, "Golden Cove STLB is shared by 4K/2M pages; modelled as a separate array of the shared capacity")
        .cost(TLB_2M_WAYS, 16, "estimate: as for 4K")
        .cost(TLB_1G_ENTRIES, 1024, "Intel Optimization Reference Manual, Golden Cove STLB 1G entries (1024)")
        .cost(TLB_1G_WAYS, 8, "estimate: 8-way")
        .trait(CpuTrait.NEEDS_IBPB, false, "the ASI authors' Sapphire Rapids runs with clearcpuid=ibpb: "
            + "X86_FEATURE_IBPB cleared, maybe_flush_control() skips the IBPB")
        .trait(CpuTrait.L1TF, false, "not affected: reports RDCL_NO (Documentation/admin-guide/hw-vuln/l1tf.rst)");
  }

  /** The same CPU in the RFC benchmark configuration with an IBPB hard-coded into asi_exit(). */
  static ProfileSpec sapphireRapidsIbpb() {
    return sapphireRapids()
        .trait(CpuTrait.NEEDS_IBPB, true, "X86_FEATURE_IBPB enabled (the default on Sapphire Rapids)")
        .trait(CpuTrait.IBPB_ON_EVERY_EXIT, true, "ASI RFC benchmark configuration: an IBPB in every asi_exit()");
  }

  /** AMD EPYC 9004 (Genoa, Zen 4), e.g. EPYC 9654. */
  static ProfileSpec zen4() {
    return common()
        .cost(CLOCK_MHZ, 2400, "AMD product page, EPYC 9654: 2.4 GHz base frequency")
        .cost(CR3_WRITE, 200, "estimate: MOV to CR3 with PCID, a few hundred cycles")
        .cost(IBPB, 3000, ORDER_IBPB)
        .cost(COPY_PAGE_CACHED, 108, "docs/calibration.md: memcpy of a cache-resident 4 KiB source on a Zen 4 "
            + "(EPYC family 19h) measured 108 TSC ticks (median); core clock assumed equal to the TSC")
        .cost(LLC_KIB, 393216, "AMD product page, EPYC 9654: 384 MB L3")
        .cost(L1D_FLUSH, 1000, "estimate: MSR_IA32_FLUSH_CMD over a 32 KiB L1D (only used if l1tf is set)")
        .cost(FULL_FLUSH, 200, "estimate: a CR3 reload of the current PCID costs a CR3 write")
        .cost(TLB_4K_ENTRIES, 3072, "AMD Software Optimization Guide for Family 19h (Zen 4): L2 DTLB 3072 entries")
        .cost(TLB_4K_WAYS, 12, "estimate: 12-way as documented for the Zen 1-3 L2 DTLB (AMD SOG 17h/19h)")
        .cost(TLB_2M_ENTRIES, 3072, "L2 DTLB is unified for 4K/2M; modelled as a separate array of the shared capacity")
        .cost(TLB_2M_WAYS, 12, "estimate: as for 4K")
        .cost(TLB_1G_ENTRIES, 72, "AMD SOG 19h: fully-associative L1 DTLB of 72 entries holds 1G pages; the L2 DTLB "
            + "smashes 1G pages into 2M entries, so only the L1 keeps whole 1G translations")
        .cost(TLB_1G_WAYS, 72, "fully associative (AMD SOG 19h)")
        .trait(CpuTrait.NEEDS_IBPB, true, "X86_FEATURE_IBPB present and enabled on Zen 4")
        .trait(CpuTrait.L1TF, false, "AMD CPUs are not affected (Documentation/admin-guide/hw-vuln/l1tf.rst)");
  }

  /** Intel Xeon Scalable 1st gen (Skylake-SP), L1TF-affected, e.g. Xeon Platinum 8180. */
  static ProfileSpec skylakeL1tf() {
    return common()
        .cost(CLOCK_MHZ, 2500, "Intel ARK, Xeon Platinum 8180: 2.5 GHz base frequency")
        .cost(CR3_WRITE, 250, "estimate: MOV to CR3 with PCID, a few hundred cycles (KPTI-era LKML reports)")
        .cost(IBPB, 5000, ORDER_IBPB + " (microcode IBPB on pre-eIBRS parts is slower)")
        .cost(COPY_PAGE_CACHED, 120, "estimate: 4 KiB memcpy hitting L1/L2 (two 32 B loads per cycle on Skylake-SP)")
        .cost(LLC_KIB, 39424, "Intel ARK, Xeon Platinum 8180: 38.5 MB cache")
        .cost(L1D_FLUSH, 1000, "estimate: IA32_FLUSH_CMD writes back the 32 KiB L1D; "
            + "Documentation/admin-guide/hw-vuln/l1tf.rst describes the flush as costly")
        .cost(FULL_FLUSH, 250, "estimate: a CR3 reload of the current PCID costs a CR3 write")
        .cost(TLB_4K_ENTRIES, 1536, "Intel Optimization Reference Manual (248966-045) Table 2-15, Skylake: "
            + "STLB 1536 entries shared by 4K/2M pages, 12-way")
        .cost(TLB_4K_WAYS, 12, "Intel ORM Table 2-15 (Skylake STLB, 12-way)")
        .cost(TLB_2M_ENTRIES, 1536, "Intel ORM Table 2-15: the STLB is shared with 4K; modelled as a separate array")
        .cost(TLB_2M_WAYS, 12, "Intel ORM Table 2-15")
        .cost(TLB_1G_ENTRIES, 16, "Intel ORM Table 2-15, Skylake: STLB 1G pages 16 entries, 4-way")
        .cost(TLB_1G_WAYS, 4, "Intel ORM Table 2-15")
        .trait(CpuTrait.NEEDS_IBPB, true, "X86_FEATURE_IBPB via microcode, enabled")
        .trait(CpuTrait.L1TF, true, "affected: Documentation/admin-guide/hw-vuln/l1tf.rst lists Skylake; ASI's "
            + "maybe_flush_data() flushes L1D when do_l1tf_flush");
  }
}
