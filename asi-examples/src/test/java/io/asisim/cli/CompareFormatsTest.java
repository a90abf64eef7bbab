package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code compare --format lkml}, {@code --metrics} and {@code --reference} end to end on a small
 * deterministic comparison: three mappers and their baseline, three seeds each, 300 reads.
 */
class CompareFormatsTest {
  /** Regenerate with {@code -Dgolden.update=true} (then review the diff). */
  private static final Path GOLDEN = Path.of("src/test/resources/golden/compare-lkml.txt");

  private static final String[] SMALL = {"compare", "--workload", "fio-randread", "--mapper", "exit,ephmap,kmap-local",
      "--cpus", "2", "--memory", "128M", "--samples", "3", "--set", "workload.fio-randread.ops=300", "--set",
      "workload.fio-randread.file-size=512K", "--threads", "2"};

  private static Cli compare(String... more) {
    List<String> a = new ArrayList<>(List.of(SMALL));
    a.addAll(List.of(more));
    return Cli.run(a.toArray(new String[0]));
  }

  @Test
  void lkmlTablesMatchTheGoldenFile() throws Exception {
    Cli cli = compare("--format", "lkml", "--metrics", "cycles_per_op,throughput_ops_per_s,asi_exits,transient_maps,tlb_shootdown_ipis");
    assertThat(cli.code).as(cli.err).isZero();
    if (Boolean.getBoolean("golden.update")) {
      // an update run must not pass on the file it just wrote: review the diff, then run again
      Files.writeString(GOLDEN, cli.out, StandardCharsets.UTF_8);
      throw new AssertionError(GOLDEN + " rewritten; review `git diff` and rerun without -Dgolden.update");
    }
    assertThat(cli.out).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
  }

  @Test
  void summaryComesFirstAndMetricsSelectTheTablesInTheirOrder() {
    Cli cli = compare("--metrics", "asi_exits,cycles_per_op");
    assertThat(cli.code).as(cli.err).isZero();
    List<String> lines = cli.out.lines().toList();
    assertThat(lines.get(0)).isEqualTo("Summary: comparison");
    assertThat(lines.get(1)).startsWith("variant").contains("asi_exits (lower)", "cycles_per_op (lower)");
    assertThat(lines.get(1).indexOf("asi_exits")).isLessThan(lines.get(1).indexOf("cycles_per_op"));
    List<String> heads = lines.stream().filter(l -> l.contains(" is better)")).toList();
    assertThat(heads).containsExactly("asi_exits (count, lower is better)", "cycles_per_op (cycles, lower is better)");
    // exit faults on each of the 300 reads in every sample: no spread, decided exactly
    assertThat(cli.out).containsPattern("mapper=exit +3 +\\S+ .*from 0 \\(worse\\) +exact");
  }

  @Test
  void withoutMetricsTheDetailTablesStartWithTheHeadlineThenGoByName() {
    Cli cli = compare();
    assertThat(cli.code).as(cli.err).isZero();
    List<String> heads = cli.out.lines().filter(l -> l.matches("[a-z_.]+ \\(.*(is better|informational)\\)")).toList();
    assertThat(heads.subList(0, 3)).containsExactly("cycles_per_op (cycles, lower is better)",
        "throughput_ops_per_s (ops/s, higher is better)", "asi_exits (count, lower is better)");
    // after the headline metrics that differ, the rest by name (any headline metric is not among them)
    List<String> rest = heads.stream().filter(h -> !io.asisim.report.CompareSummary.HEADLINE.contains(h.substring(0, h.indexOf(' '))))
        .toList();
    assertThat(heads.subList(heads.size() - rest.size(), heads.size())).isEqualTo(rest);
    assertThat(rest).isSorted().hasSizeGreaterThan(5);
  }

  @Test
  void referenceTakesDeltasAndTestsAgainstTheNamedVariant() throws Exception {
    Cli cli = compare("--format", "json", "--reference", "mapper=exit", "--metrics", "cycles_per_op");
    assertThat(cli.code).as(cli.err).isZero();
    JsonNode c = new ObjectMapper().readTree(cli.out).get("comparisons").get(0);
    assertThat(c.get("reference").asText()).isEqualTo("mapper=exit");
    assertThat(c.get("variants").get(0).get("compared_with").asText()).isEqualTo("mapper=exit");
    assertThat(c.get("variants").get(0).get("samples").get(0).fieldNames()).toIterable().containsExactly("cycles_per_op");
    assertThat(c.get("metrics").fieldNames()).toIterable().containsExactly("cycles_per_op");
    JsonNode rows = c.get("metrics").get("cycles_per_op").get("rows");
    JsonNode exit = rows.get(1);
    assertThat(exit.get("variant").asText()).isEqualTo("mapper=exit");
    assertThat(exit.get("delta_vs_baseline").isNull()).isTrue();
    assertThat(exit.get("test").isNull()).isTrue();
    JsonNode base = rows.get(0);
    // the baseline (no ASI) is far cheaper than exit: 3 against 3 fully separated, Mann-Whitney p = 0.0495
    assertThat(base.get("verdict").asText()).isEqualTo("better");
    assertThat(base.get("test").asText()).isEqualTo("mann-whitney-u");
    assertThat(base.get("p_value").asDouble()).isBetween(0.049, 0.050);
    assertThat(base.get("ci95_low").asDouble()).isLessThanOrEqualTo(base.get("mean").asDouble());
    assertThat(base.get("stddev").isNumber()).isTrue();
  }

  @Test
  void csvKeepsItsColumnsAddsTheStatisticsAndHonoursMetrics() {
    Cli cli = compare("--format", "csv", "--metrics", "asi_exits");
    assertThat(cli.code).as(cli.err).isZero();
    List<String> lines = cli.out.lines().toList();
    assertThat(lines.get(0)).isEqualTo("comparison,metric,unit,better,variant,baseline,samples,mean,min,max,"
        + "delta_vs_baseline,verdict,stddev,ci95_low,ci95_high,p_value,test,reference");
    assertThat(lines).hasSize(5).allMatch(l -> l.equals(lines.get(0)) || l.startsWith("comparison,asi_exits,count,lower,"));
    assertThat(lines.get(2)).isEqualTo("comparison,asi_exits,count,lower,mapper=exit,false,3,599,599,599,,worse,0,599,599,,"
        + "no-spread,baseline (asi off)");
  }

  @Test
  void anUnknownMetricFailsBeforeAnythingRuns() {
    Cli cli = compare("--metrics", "cycles_per_op,cycles_per_opp");
    assertThat(cli.code).isEqualTo(2);
    assertThat(cli.out).isEmpty();
    assertThat(cli.err.lines()).hasSize(1);
    assertThat(cli.err).contains("--metrics", "'cycles_per_opp'", "valid: ", "cycles_per_op,", "vmap_purges")
        .doesNotContain("host:").doesNotContain("Exception");
  }

  @Test
  void anUnknownReferenceFailsBeforeAnythingRunsListingTheLabels() {
    Cli cli = compare("--reference", "mapper=ephmapp");
    assertThat(cli.code).isEqualTo(2);
    assertThat(cli.out).isEmpty();
    assertThat(cli.err.strip()).isEqualTo("asi-sim: --reference 'mapper=ephmapp': no variant has this label; labels: "
        + "baseline (asi off), mapper=exit, mapper=ephmap, mapper=kmap-local");
  }
}
