package io.asisim.examples;

import io.asisim.report.TextTable;
import io.asisim.sim.compare.ComparisonResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The compact table the examples print: one row per variant, one column per headline metric, each
 * cell the mean over samples and, for ASI variants, the change against the {@code --asi off}
 * baseline with its better/worse verdict (from the metric's declared direction).
 */
final class ExampleTable {
  private ExampleTable() {}

  static void print(ComparisonResult result, List<String> metrics, PrintWriter out) {
    out.println("== " + result.title());
    String[] header = new String[metrics.size() + 1];
    header[0] = "variant";
    for (int i = 0; i < metrics.size(); i++) {
      header[i + 1] = ">" + metrics.get(i);
    }
    // rows(metric) gives every variant's statistics for one metric, baselines first
    Map<String, List<String>> cells = new LinkedHashMap<>();
    for (String m : metrics) {
      for (ComparisonResult.Row row : result.rows(m)) {
        cells.computeIfAbsent(row.variant(), k -> new ArrayList<>()).add(cell(row));
      }
    }
    TextTable t = new TextTable(header);
    cells.forEach((variant, values) -> {
      List<String> r = new ArrayList<>();
      r.add(variant);
      r.addAll(values);
      t.row(r.toArray(new String[0]));
    });
    t.printText(out);
    out.println();
    out.flush();
  }

  private static String cell(ComparisonResult.Row row) {
    double mean = row.stats().mean();
    String v = mean == Math.rint(mean) && Math.abs(mean) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) mean)
        : String.format(Locale.ROOT, "%,.1f", mean);
    if (Double.isNaN(row.delta()) || row.verdict().isEmpty() || row.verdict().equals(io.asisim.sim.compare.SampleStatistics.WITHIN_NOISE)) {
      return v;
    }
    return v + String.format(Locale.ROOT, " (%+.0f%% %s)", row.delta() * 100, row.verdict());
  }
}
