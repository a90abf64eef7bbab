package io.asisim.api.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The checker's change log: records in order, a repeat of the last record once, overflow, clear. */
class ChangeLogTest {
  @Test
  void keepsRecordsInOrderAndARepeatOfTheLastOnce() {
    ChangeLog log = new ChangeLog(8);
    log.frames(10, 4);
    log.frames(10, 4); // the same block logged by its list and its state: one record
    log.frames(20, 1);
    log.frames(10, 4); // not the last one: kept
    log.frames(30, 0); // empty: nothing
    log.translation(TlbOps.ALL_MM, 0xffff888000000000L, 512);
    log.translation(3, 0x400000, 1);
    log.translation(3, 0x400000, 1);
    assertThat(log.nrFrameRanges()).isEqualTo(3);
    assertThat(new long[] {log.framePfn(0), log.frameCount(0), log.framePfn(1), log.framePfn(2)})
        .containsExactly(10, 4, 20, 10);
    assertThat(log.nrTranslations()).isEqualTo(2);
    assertThat(log.translationMm(0)).isEqualTo(TlbOps.ALL_MM);
    assertThat(log.translationPages(0)).isEqualTo(512);
    assertThat(log.translationVa(1)).isEqualTo(0x400000);
    assertThat(log.overflowed()).isFalse();
  }

  @Test
  void overflowsPastItsCapacityAndClearStartsAgain() {
    ChangeLog log = new ChangeLog(2);
    log.frames(1, 1);
    log.frames(2, 1);
    assertThat(log.overflowed()).isFalse();
    log.frames(3, 1);
    assertThat(log.overflowed()).isTrue();
    assertThat(log.nrFrameRanges()).isEqualTo(2);
    log.translation(1, 0, 1); // overflowed: nothing more is kept
    assertThat(log.nrTranslations()).isZero();
    log.clear();
    assertThat(log.overflowed()).isFalse();
    assertThat(log.nrFrameRanges()).isZero();
    log.translation(1, 0, 1);
    log.translation(1, 4096, 1);
    log.translation(1, 8192, 1);
    assertThat(log.overflowed()).as("translations have their own capacity").isTrue();
    assertThatThrownBy(() -> new ChangeLog(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
