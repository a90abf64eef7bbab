package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import org.junit.jupiter.api.Test;

/** Exposure episodes against hand-computed counts and cycles. */
class ExposureTrackerTest {
  private final long[] clock = new long[2];
  private final Metrics metrics = new Metrics();
  private final Counter exposures = metrics.counter(StandardMetrics.LEAK_EXPOSURES);
  private final Counter cycles = metrics.counter(StandardMetrics.LEAK_EXPOSURE_CYCLES);
  private final ExposureTracker t = new ExposureTracker(new ForwardingMachine(null) {
    @Override public long cycles(int cpu) {
      return clock[cpu];
    }
  }, exposures, cycles);

  private void scan(long... pairs) {
    t.begin();
    for (int i = 0; i < pairs.length; i += 2) {
      t.found((int) pairs[i], pairs[i + 1]);
    }
    t.end();
  }

  @Test
  void episodesOpenOnceAndCloseOnTheirOwnCpuClock() {
    clock[0] = 100;
    clock[1] = 1000;
    scan(0, 7, 0, 7, 1, 7); // (0,7) twice in one scan is one pair; (1,7) is another CPU: 2 episodes
    assertThat(exposures.get()).isEqualTo(2);
    clock[0] = 150;
    clock[1] = 1300;
    scan(1, 7, 1, 9); // (0,7) closes after 150-100 = 50 cycles; (1,9) opens at 1300
    assertThat(exposures.get()).isEqualTo(3);
    assertThat(cycles.get()).isEqualTo(50);
    clock[0] = 400;
    scan(0, 7); // a new episode of (0,7); (1,7) closes after 1300-1000 = 300, (1,9) after 0
    assertThat(exposures.get()).isEqualTo(4);
    assertThat(cycles.get()).isEqualTo(50 + 300);
    clock[0] = 450;
    t.closeAll(); // (0,7) open since 400: +50
    assertThat(cycles.get()).isEqualTo(400);
    assertThat(t.openCount()).isZero();
  }

  @Test
  void manyPairsGrowTheBuffersWithoutLosingAny() {
    t.begin();
    for (int pfn = 0; pfn < 5000; pfn++) {
      t.found(pfn % 2, pfn);
    }
    t.end();
    assertThat(exposures.get()).isEqualTo(5000);
    assertThat(t.isOpen(1, 4999)).isTrue();
    assertThat(t.isOpen(0, 4999)).isFalse();
    scan();
    assertThat(t.openCount()).isZero();
  }
  @Test
  void unsortedScansWithDuplicatesAreOnePairEach() {
    clock[0] = 10;
    clock[1] = 20;
    scan(1, 9, 0, 7, 1, 9, 0, 7); // unsorted, each pair twice
    assertThat(exposures.get()).isEqualTo(2);
    assertThat(t.openCount()).isEqualTo(2);
    clock[0] = 15;
    clock[1] = 50;
    scan(0, 7, 0, 7); // (1,9) missing although two pairs are found: it closes after 50-20 = 30
    assertThat(t.isOpen(1, 9)).isFalse();
    assertThat(cycles.get()).isEqualTo(30);
    scan(1, 9); // (0,7) closes after 15-10 = 5, (1,9) opens again: as many found as were open
    assertThat(t.isOpen(0, 7)).isFalse();
    assertThat(t.isOpen(1, 9)).isTrue();
    assertThat(exposures.get()).isEqualTo(3);
    assertThat(cycles.get()).isEqualTo(35);
  }

  @Test
  void eachClosingRoundClosesOnlyItsOwnPairs() {
    clock[0] = 100;
    scan(0, 1, 0, 2, 0, 3);
    clock[0] = 110;
    scan(0, 3); // (0,1) and (0,2) close: 10 each
    assertThat(cycles.get()).isEqualTo(20);
    clock[0] = 130;
    scan(); // only (0,3) closes: 30 more
    assertThat(cycles.get()).isEqualTo(50);
    assertThat(t.openCount()).isZero();
  }

  @Test
  void anUnsortedScanStillClosesExactlyTheMissingPairs() {
    clock[0] = 100;
    scan(0, 1, 0, 2, 0, 3, 0, 4);
    clock[0] = 110;
    scan(0, 4, 0, 3, 0, 1); // descending: (0,2) is the one missing
    assertThat(t.isOpen(0, 2)).isFalse();
    assertThat(t.openCount()).isEqualTo(3);
    assertThat(exposures.get()).isEqualTo(4);
    assertThat(cycles.get()).isEqualTo(10);
    clock[0] = 120;
    scan(0, 3, 0, 1); // (0,4) closes: 20
    assertThat(t.openCount()).isEqualTo(2);
    assertThat(exposures.get()).isEqualTo(4);
    assertThat(cycles.get()).isEqualTo(30);
  }

  @Test
  void keysCarryTheCpuAboveTheFrame() {
    long k = ExposureTracker.key(3, 123456789L);
    assertThat(ExposureTracker.cpuOf(k)).isEqualTo(3);
    assertThat(ExposureTracker.pfnOf(k)).isEqualTo(123456789L);
  }
}
