package io.asisim.sim.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.asisim.api.metrics.Better;
import org.junit.jupiter.api.Test;

/**
 * {@link SampleStatistics} against values worked out by hand (closed forms below) and checked with
 * a second implementation (SciPy 1.17: {@code stats.t.ppf}, {@code stats.ttest_ind(equal_var=False)},
 * {@code stats.mannwhitneyu(method='asymptotic', use_continuity=False)}).
 */
class SampleStatisticsTest {
  private static final double[] A = {10, 11, 12, 13, 14};

  @Test
  void summaryHasTheSampleStandardDeviationAndTheStudentTInterval() {
    VariantRuns.Stats s = SampleStatistics.summarize(new double[] {1, 2, 3, 4});
    assertThat(s.mean()).isEqualTo(2.5);
    assertThat(s.min()).isEqualTo(1);
    assertThat(s.max()).isEqualTo(4);
    assertThat(s.stddev()).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12)); // sum of squares 5 over n-1 = 3
    // t(0.975, 3) = 3.18244630528; half width = t * sd / sqrt(4) = 2.05426025676
    assertThat(s.ci95Low()).isCloseTo(2.5 - 2.0542602567605, within(1e-9));
    assertThat(s.ci95High()).isCloseTo(2.5 + 2.0542602567605, within(1e-9));
  }

  @Test
  void oneSampleHasNoSpreadAndNoInterval() {
    VariantRuns.Stats s = SampleStatistics.summarize(new double[] {12.6});
    assertThat(s.n()).isEqualTo(1);
    assertThat(s.mean()).isEqualTo(12.6);
    assertThat(s.stddev()).isZero();
    assertThat(s.ci95Low()).isNaN();
    assertThat(s.ci95High()).isNaN();
  }

  @Test
  void theMeanOfEqualSamplesIsExactlyThatValue() {
    // 0.1 + 0.1 + 0.1 = 0.30000000000000004: a plain sum / n could land an ulp outside [min, max]
    VariantRuns.Stats s = SampleStatistics.summarize(new double[] {0.1, 0.1, 0.1});
    assertThat(s.mean()).isEqualTo(0.1);
    assertThat(s.stddev()).isZero();
    assertThat(s.ci95Low()).isEqualTo(0.1);
  }

  @Test
  void welchFromFiveSamplesEach() {
    // means 12 and 14, variances 2.5 each: t = -2 / sqrt(2.5/5 + 2.5/5) = -2, Welch df = 8, p = 0.0805162
    SampleStatistics.Significance s = SampleStatistics.compare(A, new double[] {12, 13, 14, 15, 16}, Better.LOWER);
    assertThat(s.test()).isEqualTo(SampleStatistics.WELCH);
    assertThat(s.pValue()).isCloseTo(0.0805162379572, within(1e-9));
    assertThat(s.verdict()).isEqualTo("within noise");
    // shifted by 4: t = -4, df = 8, p = 0.00394977: a real difference, upwards
    double[] higher = {14, 15, 16, 17, 18};
    assertThat(SampleStatistics.compare(A, higher, Better.LOWER).pValue()).isCloseTo(0.0039497728034, within(1e-9));
    assertThat(SampleStatistics.compare(A, higher, Better.LOWER).verdict()).isEqualTo("worse");
    assertThat(SampleStatistics.compare(A, higher, Better.HIGHER).verdict()).isEqualTo("better");
    assertThat(SampleStatistics.compare(A, higher, Better.NEITHER).verdict()).isEqualTo("differs");
  }

  @Test
  void welchWithUnequalSizesAndVariances() {
    SampleStatistics.Significance s = SampleStatistics.compare(A, new double[] {12, 12.5, 13, 20, 30, 31}, Better.LOWER);
    assertThat(s.test()).isEqualTo(SampleStatistics.WELCH);
    assertThat(s.pValue()).isCloseTo(0.084722583794455, within(1e-9)); // SciPy; df = 5.38
    assertThat(s.verdict()).isEqualTo("within noise");
  }

  @Test
  void mannWhitneyBelowFiveSamples() {
    // complete separation of 3 and 3: U = 0, z = -4.5 / sqrt(3*3*7/12), p = 2 Phi(z) = 0.0495346 < 0.05
    SampleStatistics.Significance s = SampleStatistics.compare(new double[] {1, 2, 3}, new double[] {4, 5, 6}, Better.LOWER);
    assertThat(s.test()).isEqualTo(SampleStatistics.MANN_WHITNEY);
    assertThat(s.pValue()).isCloseTo(0.0495346134356, within(1e-9));
    assertThat(s.verdict()).isEqualTo("worse");
    // 2 and 2 can never be significant: U = 0 gives z = -2 / sqrt(20/12), p = 0.121335
    SampleStatistics.Significance two = SampleStatistics.compare(new double[] {1, 2}, new double[] {3, 4}, Better.HIGHER);
    assertThat(two.pValue()).isCloseTo(0.1213352503585, within(1e-9));
    assertThat(two.verdict()).isEqualTo("within noise");
    // interleaved 4 and 4, U = 2: p = 0.0832645
    SampleStatistics.Significance mixed = SampleStatistics.compare(new double[] {1, 2, 3, 4}, new double[] {2.5, 5, 6, 7},
        Better.LOWER);
    assertThat(mixed.pValue()).isCloseTo(0.0832645166636, within(1e-9));
    assertThat(mixed.verdict()).isEqualTo("within noise");
  }

  @Test
  void oneSampleOnEitherSideIsNotTested() {
    SampleStatistics.Significance s = SampleStatistics.compare(new double[] {1}, new double[] {5, 6, 7}, Better.LOWER);
    assertThat(s.verdict()).isEqualTo("1 sample");
    assertThat(s.test()).isEqualTo(SampleStatistics.NONE);
    assertThat(s.pValue()).isNaN();
    assertThat(SampleStatistics.compare(A, new double[] {3}, Better.LOWER).verdict()).isEqualTo("1 sample");
  }

  @Test
  void noSpreadOnBothSidesIsDecidedExactly() {
    double[] same = {7, 7, 7, 7, 7};
    SampleStatistics.Significance eq = SampleStatistics.compare(same, same.clone(), Better.LOWER);
    assertThat(eq.verdict()).isEqualTo("within noise");
    assertThat(eq.test()).isEqualTo(SampleStatistics.NO_SPREAD);
    assertThat(eq.pValue()).isNaN();
    assertThat(SampleStatistics.compare(same, new double[] {5, 5, 5, 5, 5}, Better.LOWER).verdict()).isEqualTo("better");
    assertThat(SampleStatistics.compare(same, new double[] {9, 9}, Better.LOWER).verdict()).isEqualTo("worse");
    assertThat(SampleStatistics.compare(same, new double[] {9, 9}, Better.NEITHER).verdict()).isEqualTo("differs");
  }

  @Test
  void noSpreadOnOneSideStillTests() {
    // the reference is exact, the variant spreads: Welch with one variance 0 (t = -2 / sqrt(2.5/5), df = 4)
    SampleStatistics.Significance s = SampleStatistics.compare(new double[] {12, 12, 12, 12, 12}, A, Better.LOWER);
    assertThat(s.test()).isEqualTo(SampleStatistics.WELCH);
    assertThat(s.pValue()).isCloseTo(1.0, within(1e-12)); // equal means: t = 0
    assertThat(s.verdict()).isEqualTo("within noise");
  }
}
