package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;

/** Ten user pages of one mm, mapped and touched through a CPU's TLB (tests of flushes and ASIDs). */
final class TenUserPages {
  static final long USER_VA = 0x400000L;
  static final long FIRST_PFN = 12000;

  private TenUserPages() {}

  /** A new mm mapping {@link #USER_VA} + i pages to {@link #FIRST_PFN} + i, i < 10. */
  static long mm(X86Machine m) {
    long mm = m.addressSpaces().mmCreate(0);
    for (int i = 0; i < 10; i++) {
      assertThat(m.addressSpaces().mapUser(0, mm, USER_VA + i * 4096L, FIRST_PFN + i, true)).isTrue();
    }
    return mm;
  }

  /** Reads the ten pages on {@code cpu} (its loaded mm); returns the TLB misses that took. */
  static long touch(X86Machine m, Metrics metrics, int cpu) {
    long before = metrics.get("tlb_misses");
    for (int i = 0; i < 10; i++) {
      assertThat(m.tlb().access(cpu, USER_VA + i * 4096L, false, 0)).isEqualTo(FIRST_PFN + i);
    }
    return metrics.get("tlb_misses") - before;
  }
}
