package org.example.embed;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.api.AsiSim;
import io.asisim.sim.api.ComparisonOutcome;
import io.asisim.sim.api.Variant;
import io.asisim.sim.compare.ComparisonResult;

/**
 * Compares two TLB flush policies on a small fio-randread machine through asi-sim's Java API, the
 * way another project would: build variants, run the comparison, read typed results.
 */
public final class FlushComparison {
  private FlushComparison() {}

  /** The variant for one flush policy: 4 CPUs, 512M, a short run through vmalloc aliases. */
  static Variant variant(AsiSim sim, String flush) {
    return sim.variant("fio-randread")
        .plugin(PluginKind.MAPPER, "vmalloc")
        .plugin(PluginKind.FLUSH, flush)
        .cpus(4)
        .memory("512M")
        .set("workload.fio-randread.ops", 400)
        .set("workload.fio-randread.file-size", "1M")
        .build();
  }

  /**
   * Runs {@code mm-global} against {@code precise}, five seeds each (enough for Welch's t-test to
   * give a verdict), plus the ASI-off baseline.
   */
  static ComparisonOutcome run(AsiSim sim) {
    return sim.comparison("flush policies under vmalloc aliases")
        .variant(variant(sim, "mm-global"))
        .variant(variant(sim, "precise"))
        .samples(5)
        .run();
  }

  /** Prints cycles per op of every row with its change against the baseline. */
  public static void main(String[] args) {
    ComparisonOutcome out = run(AsiSim.discover());
    ComparisonOutcome.MetricComparison cycles = out.metric("cycles_per_op");
    for (ComparisonResult.Row row : cycles.rows()) {
      System.out.printf("%-20s %10.1f %s %+.1f%% %s%n", row.variant(), row.stats().mean(), cycles.descriptor().unit(),
          100 * row.delta(), row.verdict());
    }
  }
}
