package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The anonymous mappings THP may back ({@link AnonVmas}): munmap holes and MADV_HUGEPAGE splits, hand-checked. */
class AnonVmasTest {
  private static final long M = 1L << 20;

  @Test
  void unmapTrimsAndSplitsAdviseSplitsAtItsBounds() {
    AnonVmas v = new AnonVmas();
    v.add(0, 8 * M);
    v.add(8 * M, 12 * M);
    assertThat(v.covering(2 * M, 4 * M)).isEqualTo(0);
    assertThat(v.covering(6 * M, 10 * M)).as("across two mappings").isEqualTo(-1);
    v.remove(3 * M, 5 * M); // a hole: [0, 3M) and [5M, 8M)
    assertThat(v.size()).isEqualTo(3);
    assertThat(v.covering(2 * M, 4 * M)).isEqualTo(-1);
    assertThat(v.covering(0, 2 * M)).isEqualTo(0);
    assertThat(v.covering(6 * M, 8 * M)).isEqualTo(1);
    v.advise(6 * M, 10 * M); // splits [5M, 8M) at 6M and [8M, 12M) at 10M
    assertThat(v.size()).isEqualTo(5);
    int a = v.covering(6 * M, 8 * M);
    int b = v.covering(8 * M, 10 * M);
    assertThat(v.advised(a)).isTrue();
    assertThat(v.advised(b)).isTrue();
    assertThat(v.advised(v.covering(5 * M, 6 * M))).isFalse();
    assertThat(v.advised(v.covering(10 * M, 12 * M))).isFalse();
    v.remove(0, 12 * M);
    assertThat(v.size()).isZero();
    assertThatThrownBy(() -> {
      AnonVmas w = new AnonVmas();
      w.add(4 * M, 6 * M);
      w.add(0, 2 * M);
    }).isInstanceOf(IllegalStateException.class);
  }
}
