package io.asisim.sim.compare;

import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.MetricValue;
import io.asisim.sim.run.RunResult;
import java.util.List;

/**
 * The samples of one variant of a comparison.
 *
 * @param label short name: the options that distinguish it from the other variants
 * @param config the variant (seed of the first sample)
 * @param baseline whether this is an {@code --asi off} baseline
 * @param baselineLabel the label of the baseline it is compared against (itself for a baseline)
 * @param samples one result per seed, in seed order
 */
public record VariantRuns(String label, VariantConfig config, boolean baseline, String baselineLabel,
    List<RunResult> samples) {
  public VariantRuns {
    samples = List.copyOf(samples);
  }

  /** Statistics of {@code metric} over the samples; a metric a sample lacks counts as 0. */
  public Stats stats(String metric) {
    return SampleStatistics.summarize(values(metric));
  }

  /** The value of {@code metric} in each sample, in seed order; a metric a sample lacks counts as 0. */
  public double[] values(String metric) {
    double[] xs = new double[samples.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = samples.get(i).valueOrZero(metric);
    }
    return xs;
  }

  /** The descriptor of {@code metric} as the samples report it, or null if none has it. */
  public MetricDescriptor descriptor(String metric) {
    for (RunResult r : samples) {
      for (MetricValue m : r.metrics()) {
        if (m.name().equals(metric)) {
          return m.descriptor();
        }
      }
    }
    return null;
  }

  /**
   * Sample statistics.
   *
   * @param n samples
   * @param mean arithmetic mean
   * @param min smallest sample
   * @param max largest sample
   * @param stddev sample standard deviation (0 for one sample)
   * @param ci95Low lower end of the 95 % confidence interval of the mean (NaN for one sample)
   * @param ci95High upper end of it (NaN for one sample)
   */
  public record Stats(int n, double mean, double min, double max, double stddev, double ci95Low, double ci95High) {}
}
