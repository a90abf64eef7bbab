package io.asisim.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** fio's Zipf draw ({@link Zipf}): its ranks' frequencies, its scatter, its bounds. */
class ZipfTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 1000, 24_576, 100_003})
  void theScatterIsAPermutationOfTheRanges(long n) {
    Zipf z = new Zipf(n, 0.8, new SplittableRandom(1));
    Set<Long> seen = new HashSet<>();
    for (long r = 0; r < n; r++) {
      long x = z.scatter(r);
      assertThat(x).isBetween(0L, n - 1);
      seen.add(x);
    }
    assertThat(seen).as("one range per rank, every range reachable").hasSize((int) n);
  }

  /**
   * Gray's method is exact for ranks 1 and 2 (P = 1 / zetan and 2^-theta / zetan) and follows the
   * power law after: with theta 1.2 over 1 000 ranges, zetan = 4.3358 (summed here), so 23.1 % of
   * 400 000 draws hit the hottest range and 10.0 % the second.
   */
  @Test
  void theHottestRangesGetTheirZipfShare() {
    int n = 1000;
    double theta = 1.2;
    double zetan = 0;
    for (int i = 1; i <= n; i++) {
      zetan += Math.pow(1.0 / i, theta);
    }
    assertThat(zetan).isCloseTo(4.3358, org.assertj.core.data.Offset.offset(1e-3));
    SplittableRandom rnd = new SplittableRandom(42);
    Zipf z = new Zipf(n, theta, rnd);
    int draws = 400_000;
    int[] count = new int[n];
    for (int i = 0; i < draws; i++) {
      count[(int) z.next(rnd)]++;
    }
    int[] sorted = count.clone();
    Arrays.sort(sorted);
    double top = sorted[n - 1] / (double) draws;
    double second = sorted[n - 2] / (double) draws;
    assertThat(top).isCloseTo(1 / zetan, org.assertj.core.data.Offset.offset(0.003));
    assertThat(second).isCloseTo(Math.pow(0.5, theta) / zetan, org.assertj.core.data.Offset.offset(0.003));
    assertThat(count[(int) z.scatter(0)]).as("rank 1 is the scattered range 0").isEqualTo(sorted[n - 1]);
    // the tail still gets drawn: half the ranges at least once
    assertThat(Arrays.stream(count).filter(c -> c > 0).count()).isGreaterThan(n / 2);
  }

  @Test
  void aSmallerThetaSpreadsTheDraws() {
    SplittableRandom rnd = new SplittableRandom(3);
    Zipf steep = new Zipf(10_000, 1.2, rnd);
    Zipf flat = new Zipf(10_000, 0.5, rnd);
    Set<Long> a = new HashSet<>();
    Set<Long> b = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      a.add(steep.next(rnd));
      b.add(flat.next(rnd));
    }
    assertThat(b.size()).isGreaterThan(2 * a.size());
  }

  @Test
  void theSameSeedDrawsTheSameRanges() {
    long[] x = draws(7);
    assertThat(draws(7)).containsExactly(x);
    assertThat(draws(8)).isNotEqualTo(x);
  }

  private static long[] draws(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Zipf z = new Zipf(5000, 0.9, rnd);
    long[] out = new long[100];
    for (int i = 0; i < out.length; i++) {
      out[i] = z.next(rnd);
    }
    return out;
  }

  @Test
  void thetaOneAndEmptyRangesAreRefused() {
    SplittableRandom rnd = new SplittableRandom(1);
    assertThatThrownBy(() -> new Zipf(10, 1.0, rnd)).hasMessageContaining("not 1");
    assertThatThrownBy(() -> new Zipf(10, 0, rnd)).hasMessageContaining("above 0");
    assertThatThrownBy(() -> new Zipf(0, 0.5, rnd)).hasMessageContaining("at least 1");
  }
}
