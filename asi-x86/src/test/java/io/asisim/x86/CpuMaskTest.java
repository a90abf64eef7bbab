package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.CpuMask;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** CpuMask against java.util.BitSet as the reference. */
class CpuMaskTest {
  @Test
  void basicOperationsAndListFormat() {
    CpuMask m = CpuMask.of(0, 1, 2, 5, 64, 255);
    assertThat(m.weight()).isEqualTo(6);
    assertThat(m.toString()).isEqualTo("0-2,5,64,255");
    assertThat(m.next(3)).isEqualTo(5);
    assertThat(m.next(65)).isEqualTo(255);
    assertThat(m.next(256)).isEqualTo(-1);
    m.clear(255);
    assertThat(m.next(65)).isEqualTo(-1);
    CpuMask all = new CpuMask();
    all.setFirst(70);
    assertThat(all.weight()).isEqualTo(70);
    assertThat(all.toString()).isEqualTo("0-69");
    all.andNot(m);
    assertThat(all.toString()).isEqualTo("3-4,6-63,65-69");
    assertThat(new CpuMask().isEmpty()).isTrue();
  }

  @Test
  void randomOpsMatchBitSet() {
    SplittableRandom rnd = new SplittableRandom(3);
    CpuMask a = new CpuMask();
    CpuMask b = new CpuMask();
    BitSet ra = new BitSet();
    BitSet rb = new BitSet();
    for (int i = 0; i < 5000; i++) {
      int c = rnd.nextInt(256);
      switch (rnd.nextInt(6)) {
        case 0 -> { a.set(c); ra.set(c); }
        case 1 -> { a.clear(c); ra.clear(c); }
        case 2 -> { b.set(c); rb.set(c); }
        case 3 -> { a.or(b); ra.or(rb); }
        case 4 -> { a.andNot(b); ra.andNot(rb); }
        default -> { b.copyFrom(a); rb = (BitSet) ra.clone(); }
      }
      assertThat(a.weight()).isEqualTo(ra.cardinality());
      assertThat(a.test(c)).isEqualTo(ra.get(c));
      int from = rnd.nextInt(256);
      assertThat(a.next(from)).isEqualTo(ra.nextSetBit(from));
    }
  }
}
