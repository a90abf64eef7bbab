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
}
