package io.asisim.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import io.asisim.sim.run.MetricValue;
import io.asisim.sim.run.RunResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compare tables of hand-made results: exact cells, so formatting rules are pinned. */
class CompareReportTest {
  private static final MetricDescriptor CPO = new MetricDescriptor("cycles_per_op", "cycles", Better.LOWER, "cost");

  private static VariantRuns variant(String label, boolean baseline, double... values) {
    List<RunResult> rs = new ArrayList<>();
    for (double v : values) {
      rs.add(new RunResult(null, List.of(new MetricValue(CPO, v, false)), 0));
    }
    return new VariantRuns(label, null, baseline, baseline ? label : "base", rs);
  }

  private static String text(ComparisonResult r, CompareReport.Style style) {
    StringWriter sw = new StringWriter();
    PrintWriter pw = new PrintWriter(sw);
    CompareReport.tables(r, List.of("cycles_per_op"), style, pw);
    pw.flush();
    return sw.toString();
  }

  @Test
  void aSingleSampleRowPrintsOneNumberThrice() {
    // one sample of 12.6 printed its min and max rounded (13) beside a mean of 12.60: min > mean
    ComparisonResult r = new ComparisonResult("t", List.of(variant("base", true, 10), variant("v", false, 12.6)));
    StringWriter sw = new StringWriter();
    CompareReport.tables(r, CompareReport.Scope.ALL, false, new PrintWriter(sw, true));
    String row = sw.toString().lines().filter(l -> l.startsWith("v ")).findFirst().orElseThrow();
    // mean, then (no stddev or interval for one sample) min and max
    assertThat(row.split("\\s+")).startsWith("v", "1", "12.60", "12.60", "12.60");
    assertThat(row).doesNotContain(" 13 ");
  }

  @Test
  void rowsShareTheirDecimalsSoMinMeanMaxStayOrdered() {
    // 99.996 and 100.004: per-cell rules printed min 100.00 (2 decimals) beside a mean of 100.0
    ComparisonResult r = new ComparisonResult("t", List.of(variant("base", true, 99.996, 100.004)));
    assertThat(text(r, CompareReport.Style.LKML)).contains("| base    |       2 | 100.0 cycles | 100.0 cycles | 100.0 cycles |");
  }

  @Test
  void boxedTableWithReferenceAndVerdicts() {
    ComparisonResult r = new ComparisonResult("demo", List.of(variant("base", true, 1000, 1001, 1002),
        variant("fast", false, 900, 901, 902), variant("close", false, 899, 901.5, 903.5),
        variant("one", false, 1234.5))).withReference("fast");
    assertThat(text(r, CompareReport.Style.LKML)).isEqualTo(String.join("\n",
        "== demo ==",
        "",
        "cycles_per_op (cycles, lower is better)",
        "+---------+---------+----------------+----------------+----------------+----------------------+",
        "| variant | samples |           mean |            min |            max | Δ mean vs fast       |",
        "+---------+---------+----------------+----------------+----------------+----------------------+",
        "| base    |       3 |   1,001 cycles |   1,000 cycles |   1,002 cycles | +11.1% (worse)       |",
        "| fast    |       3 |     901 cycles |     900 cycles |     902 cycles | (reference)          |",
        "| close   |       3 |   901.3 cycles |   899.0 cycles |   903.5 cycles | +0.0% (within noise) |",
        "| one     |       1 | 1,234.5 cycles | 1,234.5 cycles | 1,234.5 cycles | +37.0% (1 sample)    |",
        "+---------+---------+----------------+----------------+----------------+----------------------+",
        "", ""));
  }
}
