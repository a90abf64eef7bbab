package io.asisim.x86;

/**
 * Knobs of the simulated machine that are not properties of the CPU.
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
 */
public record X86Options(
    boolean cr3NoFlush,
    int mmLocalSlotsPerCpu,
    long kernelImageBytes,
    int spareTablePages,
    int singlePageFlushCeiling) {

  /** The posted ASI code: flushing CR3 writes, 2 mm-local slots, 32 MiB image, ceiling 33. */
  public static final X86Options DEFAULT = new X86Options(false, 2, 32L << 20, 1024, 33);

  public X86Options {
    if (mmLocalSlotsPerCpu < 1 || mmLocalSlotsPerCpu > 64) {
      throw new IllegalArgumentException("mmLocalSlotsPerCpu must be 1..64, got " + mmLocalSlotsPerCpu);
    }
    if (kernelImageBytes < 0 || kernelImageBytes % 4096 != 0) {
      throw new IllegalArgumentException("kernelImageBytes must be a non-negative multiple of 4096");
    }
    if (spareTablePages < 0 || singlePageFlushCeiling < 1) {
      throw new IllegalArgumentException("spareTablePages >= 0 and singlePageFlushCeiling >= 1 required");
    }
  }

  /** This options record with {@code cr3NoFlush} replaced. */
  public X86Options withCr3NoFlush(boolean v) {
    return new X86Options(v, mmLocalSlotsPerCpu, kernelImageBytes, spareTablePages, singlePageFlushCeiling);
  }
}
