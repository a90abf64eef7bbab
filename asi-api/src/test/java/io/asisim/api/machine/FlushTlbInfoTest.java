package io.asisim.api.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlushTlbInfoTest {
  @Test
  void accumulatesTheUnsignedHullOfPages() {
    FlushTlbInfo f = new FlushTlbInfo().reset(7);
    assertThat(f.isEmpty()).isTrue();
    assertThat(f.pages()).isZero();
    long base = AddressSpaces.VMALLOC_START; // negative as a long: comparisons must be unsigned
    f.add(base + (5L << 12));
    f.add(base + (2L << 12));
    f.add(base + (9L << 12));
    assertThat(f.mm()).isEqualTo(7);
    assertThat(f.start()).isEqualTo(base + (2L << 12));
    assertThat(f.end()).isEqualTo(base + (10L << 12));
    assertThat(f.pages()).isEqualTo(8); // ((max - min) >> 12) + 1
    assertThat(f.contains(base + (9L << 12))).isTrue();
    assertThat(f.contains(base + (10L << 12))).isFalse();
    f.addRange(base + (20L << 12), 4); // pages 20..23
    assertThat(f.pages()).isEqualTo(22);
    f.reset(TlbOps.ALL_MM);
    assertThat(f.isEmpty()).isTrue();
    assertThat(f.mm()).isEqualTo(TlbOps.ALL_MM);
  }

  @Test
  void setClampsFlushAllLengths() {
    assertThat(new FlushTlbInfo().set(3, 0, Long.MAX_VALUE >>> 12).pages()).isEqualTo(Long.MAX_VALUE >>> 12);
    assertThat(new FlushTlbInfo().set(3, 0, Long.MAX_VALUE).pages()).isEqualTo(1L << 51);
    assertThat(new FlushTlbInfo().set(3, 0x1000, 0).isEmpty()).isTrue();
    assertThat(new FlushTlbInfo().set(3, 0x1000, 4).pages()).isEqualTo(4);
  }

  @Test
  void mmLocalIsTheLdtRemapSlot() {
    assertThat(AddressSpaces.isMmLocal(AddressSpaces.MM_LOCAL_START)).isTrue();
    assertThat(AddressSpaces.isMmLocal(AddressSpaces.MM_LOCAL_END - 1)).isTrue();
    assertThat(AddressSpaces.isMmLocal(AddressSpaces.MM_LOCAL_END)).isFalse(); // PAGE_OFFSET
    assertThat(AddressSpaces.isMmLocal(AddressSpaces.VMALLOC_START)).isFalse();
    assertThat(AddressSpaces.isMmLocal(0x1000)).isFalse();
  }
}
