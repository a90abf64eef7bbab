package io.asisim.sim.compare;

import io.asisim.api.metrics.Better;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The statistics of {@code asi-sim compare}, in one place: per variant and metric the mean, spread
 * and 95 % confidence interval of the mean over its samples, and per variant a two-sided
 * significance test against the reference with the verdict a reader acts on.
 *
 * <p>Which test: Welch's t-test (unequal variances) when both sides have at least
 * {@value #WELCH_MIN_SAMPLES} samples; below that the t-test's normality assumption cannot be
 * checked and one outlier moves it a lot, so the rank-based Mann–Whitney U test is used (at least 2
 * samples each). With one sample on either side there is no spread to test against: the verdict
 * says {@value #ONE_SAMPLE}, never a guess. The verdict is {@value #BETTER} or {@value #WORSE}
 * (by the metric's direction; {@value #DIFFERS} for a metric without one) when the p-value is below
 * {@link #ALPHA}, else {@value #WITHIN_NOISE}.
 *
 * <p>Zero spread on both sides is common here, because the simulator is deterministic: a count
 * that does not depend on the seed (e.g. exits per read) is the same in every sample. Neither test
 * is defined then (Welch divides by zero; Mann–Whitney sees only ties), yet the answer is exact:
 * equal values are {@value #WITHIN_NOISE} (there is no difference), different values are a real
 * difference on every seed, so the verdict follows the direction without a p-value.
 */
public final class SampleStatistics {
  /** Significance level of the tests: a p-value below it is a difference. */
  public static final double ALPHA = 0.05;
  /** Samples each side needs for Welch's t-test; fewer use Mann–Whitney U. */
  public static final int WELCH_MIN_SAMPLES = 5;

  public static final String BETTER = "better";
  public static final String WORSE = "worse";
  public static final String DIFFERS = "differs";
  public static final String WITHIN_NOISE = "within noise";
  public static final String ONE_SAMPLE = "1 sample";

  /** Test names as reports print them. */
  public static final String WELCH = "welch-t";
  public static final String MANN_WHITNEY = "mann-whitney-u";
  /** Both sides without spread: decided exactly, no test. */
  public static final String NO_SPREAD = "no-spread";
  /** One sample on a side: nothing was tested. */
  public static final String NONE = "none";

  private SampleStatistics() {}

  /**
   * The result of testing a variant against the reference.
   *
   * @param test {@value #WELCH}, {@value #MANN_WHITNEY}, {@value #NO_SPREAD} or {@value #NONE}
   * @param pValue two-sided p-value, NaN when no test ran
   * @param verdict {@value #BETTER}, {@value #WORSE}, {@value #DIFFERS}, {@value #WITHIN_NOISE} or
   *     {@value #ONE_SAMPLE}
   */
  public record Significance(String test, double pValue, String verdict) {}

  /** Mean, extremes, sample standard deviation and 95 % confidence interval of the mean of {@code xs}. */
  public static VariantRuns.Stats summarize(double[] xs) {
    if (xs.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    double min = StatUtils.min(xs);
    double max = StatUtils.max(xs);
    // the mean lies in [min, max]; floating-point summation can miss by an ulp, which a table would show
    double mean = Math.max(min, Math.min(max, StatUtils.mean(xs)));
    if (xs.length == 1) {
      return new VariantRuns.Stats(1, mean, min, max, 0, Double.NaN, Double.NaN);
    }
    double sd = min == max ? 0 : Math.sqrt(StatUtils.variance(xs, mean)); // bias-corrected (n - 1)
    double t = new TDistribution(null, xs.length - 1).inverseCumulativeProbability(1 - ALPHA / 2);
    double half = t * sd / Math.sqrt(xs.length);
    return new VariantRuns.Stats(xs.length, mean, min, max, sd, mean - half, mean + half);
  }

  /** Tests {@code variant} against {@code reference} for a metric whose better direction is {@code better}. */
  public static Significance compare(double[] reference, double[] variant, Better better) {
    if (reference.length < 2 || variant.length < 2) {
      return new Significance(NONE, Double.NaN, ONE_SAMPLE);
    }
    double refMean = StatUtils.mean(reference);
    double mean = StatUtils.mean(variant);
    if (spreadless(reference) && spreadless(variant)) {
      return new Significance(NO_SPREAD, Double.NaN,
          reference[0] == variant[0] ? WITHIN_NOISE : direction(variant[0] - reference[0], better));
    }
    String test;
    double p;
    if (reference.length >= WELCH_MIN_SAMPLES && variant.length >= WELCH_MIN_SAMPLES) {
      test = WELCH;
      p = new TTest().tTest(reference, variant);
    } else {
      test = MANN_WHITNEY;
      p = new MannWhitneyUTest().mannWhitneyUTest(reference, variant);
    }
    boolean significant = p < ALPHA; // NaN (cannot happen with spread on a side) is no evidence
    return new Significance(test, p, significant ? direction(mean - refMean, better) : WITHIN_NOISE);
  }

  private static boolean spreadless(double[] xs) {
    return StatUtils.min(xs) == StatUtils.max(xs);
  }

  private static String direction(double diff, Better better) {
    if (better == null || better == Better.NEITHER) {
      return DIFFERS;
    }
    if (diff == 0) {
      return WITHIN_NOISE; // significant ranks with equal means: no direction to report
    }
    return (diff > 0) == (better == Better.HIGHER) ? BETTER : WORSE;
  }
}
