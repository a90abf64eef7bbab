package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.mm.Sensitivity;
import org.junit.jupiter.api.Test;

/**
 * The defaults of {@link SensitivityStrategy} for a design that answers only a pfn's class: one
 * class of lists, request index 0, changes not counted (-1, as {@code PageAllocator#sensitivityChanges}
 * documents), {@code anySensitive} asked frame by frame over exactly {@code [pfn, pfn + n)}, and
 * nothing to make available when {@code __rmqueue()} comes back empty. The shipped strategies
 * override most of them, so only this test pins them down.
 */
class SensitivityStrategyDefaultsTest {
  /** Even pfns sensitive, odd ones not. */
  private final SensitivityStrategy s = pfn -> pfn % 2 == 0 ? Sensitivity.SENSITIVE : Sensitivity.NONSENSITIVE;

  @Test
  void anySensitiveAsksEveryFrameOfTheRangeAndNoOther() {
    assertThat(s.anySensitive(1, 1)).isFalse(); // pfn 1 only; pfn 2 is past the end
    assertThat(s.anySensitive(1, 2)).isTrue(); // pfns 1 and 2
    assertThat(s.anySensitive(3, 0)).isFalse(); // empty range
    assertThat(s.anySensitive(4, 0)).isFalse();
    assertThat(s.anySensitive(6, 1)).isTrue();
  }

  @Test
  void theOtherDefaults() {
    assertThat(s.nrSensitivities()).isEqualTo(1);
    assertThat(s.requestIndex(io.asisim.api.mm.Gfp.GFP_KERNEL | io.asisim.api.mm.Gfp.__GFP_SENSITIVE)).isZero();
    assertThat(s.sensitivityChanges()).isEqualTo(-1);
    assertThat(s.rmqueueEmpty(null, null, 0, 0, null)).isFalse();
  }
}
