package io.asisim.x86;

import io.asisim.api.plugin.ParamSpec;
import java.util.List;
import java.util.Map;

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

  /**
   * The knobs as declared parameters (e.g. for {@code --set machine.cr3-noflush=true}); defaults
   * are those of {@link #DEFAULT}.
   */
  public static final List<ParamSpec> PARAMS = List.of(
      ParamSpec.bool("cr3-noflush", false,
          "ASI transitions write CR3 with NOFLUSH (the posted code flushes the target PCID on every transition)"),
      ParamSpec.integer("mm-local-slots", 2, 1, 64, "ephmap slots per CPU in each mm-local region"),
      ParamSpec.size("kernel-image", "32M", 0, 1L << 40,
          "memory memblock reserves for the kernel image and early allocations (estimate)"),
      ParamSpec.integer("spare-table-pages", 1024, 0, 1 << 20,
          "boot-reserved frames for page tables needed before the page allocator exists"),
      ParamSpec.integer("tlb-single-page-flush-ceiling", 33, 1, 1 << 20,
          "tlb_single_page_flush_ceiling of arch/x86/mm/tlb.c"));

  /**
   * Options from textual values keyed by {@link #PARAMS} names; missing keys take defaults.
   *
   * @throws IllegalArgumentException for an unknown key or an invalid value, naming it
   */
  public static X86Options fromMap(Map<String, String> values) {
    for (String k : values.keySet()) {
      if (PARAMS.stream().noneMatch(p -> p.name().equals(k))) {
        throw new IllegalArgumentException("unknown machine option '" + k + "' (valid: cr3-noflush, "
            + "mm-local-slots, kernel-image, spare-table-pages, tlb-single-page-flush-ceiling)");
      }
    }
    Object[] v = new Object[PARAMS.size()];
    for (int i = 0; i < v.length; i++) {
      ParamSpec p = PARAMS.get(i);
      try {
        v[i] = p.parse(values.getOrDefault(p.name(), p.defaultValue()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("machine." + p.name() + ": " + e.getMessage(), e);
      }
    }
    return new X86Options((Boolean) v[0], Math.toIntExact((Long) v[1]), (Long) v[2],
        Math.toIntExact((Long) v[3]), Math.toIntExact((Long) v[4]));
  }

  /** This options record with {@code cr3NoFlush} replaced. */
  public X86Options withCr3NoFlush(boolean v) {
    return new X86Options(v, mmLocalSlotsPerCpu, kernelImageBytes, spareTablePages, singlePageFlushCeiling);
  }
}
