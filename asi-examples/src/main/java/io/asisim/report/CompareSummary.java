package io.asisim.report;

import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.SampleStatistics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table a comparison starts with: one row per variant, one column per headline metric, each
 * cell the change of the mean against the reference with its verdict, so that a reader sees what
 * to act on before the per-metric details.
 */
public final class CompareSummary {
  /** The default columns: cost, exits, shootdowns and (where it differs) leak exposure. */
  public static final List<String> HEADLINE = List.of("cycles_per_op", "throughput_ops_per_s", "asi_exits",
      "tlb_shootdowns", "leak_exposures");

  private CompareSummary() {}

  /**
   * The summary's columns: {@code selected} ({@code --metrics}) where reported, else the headline
   * metrics {@code r} reports, leak exposure only where it is not the same everywhere.
   */
  public static List<String> columns(ComparisonResult r, List<String> selected) {
    if (selected != null) {
      return CompareReport.metrics(r, CompareReport.Scope.ALL, selected);
    }
    List<String> out = new ArrayList<>();
    List<String> differing = r.interestingMetrics();
    for (String m : HEADLINE) {
      if (r.metrics().containsKey(m) && (!m.startsWith("leak_exposure") || differing.contains(m))) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * Prints the summary of every comparison of {@code results} (columns from {@code selected}, see
   * {@link #columns}), then once how to read them.
   */
  public static void printAll(List<ComparisonResult> results, List<String> selected, CompareReport.Style style,
      PrintWriter out) {
    for (ComparisonResult r : results) {
      print(r, columns(r, selected), style, out);
    }
    String reference = results.stream().map(ComparisonResult::reference).filter(x -> x != null).findFirst().orElse(null);
    boolean everywhere = results.stream().allMatch(r -> r.reference() != null);
    String vs = reference == null ? "each variant's --asi off baseline"
        : everywhere ? reference : reference + " (where a section has it, else each variant's baseline)";
    out.println(String.format(Locale.ROOT, "Δ mean vs %s; (lower)/(higher): the better direction. Verdict at "
        + "α = %.2f: Welch's t-test with %d+ samples on both sides, else Mann-Whitney U; 'within noise': no "
        + "significant difference; '1 sample': nothing to test.", vs, SampleStatistics.ALPHA,
        SampleStatistics.WELCH_MIN_SAMPLES));
    out.println();
  }

  /** Prints the summary table of {@code r} over {@code columns} in {@code style}, under its title. */
  public static void print(ComparisonResult r, List<String> columns, CompareReport.Style style, PrintWriter out) {
    boolean md = style == CompareReport.Style.MARKDOWN;
    out.println((md ? "### " : "") + "Summary: " + r.title());
    if (md) {
      out.println();
    }
    String[] header = new String[columns.size() + 1];
    header[0] = "variant";
    for (int i = 0; i < columns.size(); i++) {
      header[i + 1] = columns.get(i) + " " + arrow(r, columns.get(i));
    }
    Map<String, List<String>> cells = new LinkedHashMap<>();
    for (String m : columns) {
      for (ComparisonResult.Row row : r.rows(m)) {
        cells.computeIfAbsent(row.variant(), k -> new ArrayList<>()).add(CompareReport.delta(r, row));
      }
    }
    TextTable t = new TextTable(header);
    cells.forEach((variant, values) -> {
      List<String> row = new ArrayList<>();
      row.add(variant);
      row.addAll(values);
      t.row(row.toArray(new String[0]));
    });
    t.print(style, out);
    out.println();
  }

  private static String arrow(ComparisonResult r, String metric) {
    switch (r.metrics().get(metric).better()) {
      case LOWER:
        return "(lower)";
      case HIGHER:
        return "(higher)";
      default:
        return "(info)";
    }
  }
}
