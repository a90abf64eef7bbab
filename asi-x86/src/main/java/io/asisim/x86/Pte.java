package io.asisim.x86;

/**
 * x86-64 page-table entry bits as in arch/x86/include/asm/pgtable_types.h. Entries are plain
 * {@code long}s in the hardware layout; the same layout serves PGD, PUD, PMD and PTE levels.
 */
final class Pte {
  private Pte() {}

  /** {@code _PAGE_PRESENT}. */
  static final long PRESENT = 1L;
  /** {@code _PAGE_RW}. */
  static final long RW = 1L << 1;
  /** {@code _PAGE_USER}. */
  static final long USER = 1L << 2;
  /** {@code _PAGE_ACCESSED}. */
  static final long ACCESSED = 1L << 5;
  /** {@code _PAGE_DIRTY}. */
  static final long DIRTY = 1L << 6;
  /** {@code _PAGE_PSE}: a 2 MiB (PMD) or 1 GiB (PUD) leaf. */
  static final long PSE = 1L << 7;
  /** {@code _PAGE_GLOBAL}: survives CR3 writes; never set on kernel mappings under ASI. */
  static final long GLOBAL = 1L << 8;
  /** {@code _PAGE_NX}. */
  static final long NX = 1L << 63;
  /** {@code PTE_PFN_MASK} (52-bit physical addresses). */
  static final long PFN_MASK = 0x000f_ffff_ffff_f000L;

  /** {@code _PAGE_TABLE}: the flags of an entry pointing to a lower-level table. */
  static final long TABLE = PRESENT | RW | USER | ACCESSED | DIRTY;
  /** {@code __PAGE_KERNEL} without global: RW, NX, accessed, dirty. */
  static final long KERNEL = PRESENT | RW | ACCESSED | DIRTY | NX;

  static boolean present(long e) {
    return (e & PRESENT) != 0;
  }

  static boolean large(long e) {
    return (e & PSE) != 0;
  }

  static long pfn(long e) {
    return (e & PFN_MASK) >>> 12;
  }

  static long make(long pfn, long flags) {
    return (pfn << 12) | flags;
  }
}
