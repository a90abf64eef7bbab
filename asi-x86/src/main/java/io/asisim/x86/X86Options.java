package io.asisim.x86;


/**
 * Knobs of the simulated machine that are not properties of the CPU; declared as the parameters of
 * machine plugin {@code x86} ({@link X86MachinePlugin}).
 *
 * @param cr3NoFlush whether ASI transitions write CR3 with the NOFLUSH bit (bit 63). The posted
 *     ASI code ({@code __asi_enter()} and {@code asi_exit()} in arch/x86/mm/asi.c build the CR3
 *     with {@code noflush=false}) flushes the target PCID on every transition; {@code true} models
 *     the NOFLUSH variant that keeps the target PCID's entries.
 * @param mmLocalSlotsPerCpu slots per CPU in each mm's mm-local region (ephmap); copy-on-write
 *     needs two live mappings at once, hence the default 2.
 * @param kernelImageBytes memory reserved by memblock at boot for the kernel image, initramfs and
 *     early allocations, before the boot page tables (estimate: a distribution kernel's text+data
 *     plus early reservations are a few tens of MiB).
 * @param spareTablePages boot-reserved frames set aside for page tables needed before the page
 *     allocator supplies them ({@link io.asisim.api.machine.Machine#setTablePageSource}).
 * @param singlePageFlushCeiling {@code tlb_single_page_flush_ceiling} of arch/x86/mm/tlb.c (33):
 *     a range flush of more pages flushes the whole TLB instead.
 * @param kernelDataPages translations of the kernel's own data footprint on a kernel entry (stack,
 *     per-CPU data, slab and page-cache metadata through the direct map), refilled in the PCID the
 *     kernel runs in after a flush. Estimate: a 16 KiB vmalloc'ed stack is 4 translations, the
 *     direct map's 2 MiB/1 GiB leaves cover per-CPU data and the hot slab caches in about 16 more,
 *     plus a few vmalloc/module pages: 24.
 * @param kernelTextPages translations of the kernel text a kernel entry runs (iTLB). Estimate: the
 *     image's text is mapped by 2 MiB pages; a syscall/fault path touches entry code, the syscall
 *     table, VFS/mm and the scheduler, spread over about 8 of them.
 * @param virt bare metal ({@link Virt#NONE}) or a KVM guest and how the host runs it
 * @param mirrorPhysmap whether {@code set_memory_ro()}/{@code set_memory_rw()} and memory hot-removal
 *     ({@code arch_remove_memory()}) on the unrestricted direct map are mirrored into the restricted
 *     one (false: the posted series, which leaves the restricted map writable and removed memory's
 *     aliases in place; its cover letter lists the mirroring as open)
 */
public record X86Options(
    boolean cr3NoFlush,
    int mmLocalSlotsPerCpu,
    long kernelImageBytes,
    int spareTablePages,
    int singlePageFlushCeiling,
    int kernelDataPages,
    int kernelTextPages,
    Virt virt,
    boolean mirrorPhysmap) {

  /** Default of {@link #kernelDataPages()} (estimate, see the parameter). */
  public static final int DEFAULT_KERNEL_DATA_PAGES = 24;
  /** Default of {@link #kernelTextPages()} (estimate, see the parameter). */
  public static final int DEFAULT_KERNEL_TEXT_PAGES = 8;

  /** The posted ASI code: flushing CR3 writes, 2 mm-local slots, 32 MiB image, ceiling 33. */
  public static final X86Options DEFAULT = new X86Options(false, 2, 32L << 20, 1024, 33);

  /** Options that leave physmap permission changes unmirrored, as the posted series does. */
  public X86Options(boolean cr3NoFlush, int mmLocalSlotsPerCpu, long kernelImageBytes, int spareTablePages,
      int singlePageFlushCeiling, int kernelDataPages, int kernelTextPages, Virt virt) {
    this(cr3NoFlush, mmLocalSlotsPerCpu, kernelImageBytes, spareTablePages, singlePageFlushCeiling, kernelDataPages,
        kernelTextPages, virt, false);
  }

  /** Options of a bare-metal machine. */
  public X86Options(boolean cr3NoFlush, int mmLocalSlotsPerCpu, long kernelImageBytes, int spareTablePages,
      int singlePageFlushCeiling, int kernelDataPages, int kernelTextPages) {
    this(cr3NoFlush, mmLocalSlotsPerCpu, kernelImageBytes, spareTablePages, singlePageFlushCeiling, kernelDataPages,
        kernelTextPages, Virt.NONE);
  }

  /** Options of a bare-metal machine with the default kernel footprint. */
  public X86Options(boolean cr3NoFlush, int mmLocalSlotsPerCpu, long kernelImageBytes, int spareTablePages,
      int singlePageFlushCeiling) {
    this(cr3NoFlush, mmLocalSlotsPerCpu, kernelImageBytes, spareTablePages, singlePageFlushCeiling,
        DEFAULT_KERNEL_DATA_PAGES, DEFAULT_KERNEL_TEXT_PAGES);
  }

  public X86Options {
    java.util.Objects.requireNonNull(virt, "virt");
    if (mmLocalSlotsPerCpu < 1 || mmLocalSlotsPerCpu > 64) {
      throw new IllegalArgumentException("mmLocalSlotsPerCpu must be 1..64, got " + mmLocalSlotsPerCpu);
    }
    if (kernelImageBytes < 0 || kernelImageBytes % 4096 != 0) {
      throw new IllegalArgumentException("kernelImageBytes must be a non-negative multiple of 4096");
    }
    if (kernelDataPages < 0 || kernelTextPages < 0) {
      throw new IllegalArgumentException("kernelDataPages and kernelTextPages must be >= 0");
    }
    if (spareTablePages < 0 || singlePageFlushCeiling < 1) {
      throw new IllegalArgumentException("spareTablePages >= 0 and singlePageFlushCeiling >= 1 required");
    }
  }

  /** This options record with {@code cr3NoFlush} replaced. */
  public X86Options withCr3NoFlush(boolean v) {
    return new X86Options(v, mmLocalSlotsPerCpu, kernelImageBytes, spareTablePages, singlePageFlushCeiling,
        kernelDataPages, kernelTextPages, virt, mirrorPhysmap);
  }

  /** This options record with {@code virt} replaced. */
  public X86Options withVirt(Virt v) {
    return new X86Options(cr3NoFlush, mmLocalSlotsPerCpu, kernelImageBytes, spareTablePages, singlePageFlushCeiling,
        kernelDataPages, kernelTextPages, v, mirrorPhysmap);
  }

  /** This options record with {@code mirrorPhysmap} replaced. */
  public X86Options withMirrorPhysmap(boolean v) {
    return new X86Options(cr3NoFlush, mmLocalSlotsPerCpu, kernelImageBytes, spareTablePages, singlePageFlushCeiling,
        kernelDataPages, kernelTextPages, virt, v);
  }
}
