package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pagetypeinfo --series}: the fragmentation time series of a run, as CSV and as a chart. */
class PagetypeinfoSeriesTest {
  private static final String[] RUN = {"pagetypeinfo", "--workload", "server-mix", "--memory", "1G",
      "--set", "workload.server-mix.ops=2000", "--set", "workload.server-mix.server-memory=256M", "--series"};

  @Test
  void aSeriesOf200SamplesDeterministicWithAChart(@TempDir Path dir) throws Exception {
    Path svg = dir.resolve("frag.svg");
    String[] withChart = java.util.stream.Stream.concat(java.util.Arrays.stream(RUN), java.util.stream.Stream.of(
        "--chart", svg.toString())).toArray(String[]::new);
    Cli a = Cli.run(withChart);
    assertThat(a.code).as(a.err).isZero();
    List<String> lines = a.out.lines().toList();
    String[] header = lines.get(0).split(",");
    assertThat(header[0]).isEqualTo("ops");
    // 1 GiB: DMA and DMA32; five migratetypes shown, two sensitivities each; one unusable index per zone
    assertThat(header).hasSize(1 + 2 * 5 * 2 + 2).contains("free_pageblocks.DMA32.Movable.sensitive",
        "unusable_index.DMA32.9");
    assertThat(lines).hasSize(1 + 200);
    long last = -1;
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      assertThat(f).hasSize(header.length);
      long ops = Long.parseLong(f[0]);
      assertThat(ops).isGreaterThan(last);
      last = ops;
      long unusable = Long.parseLong(f[f.length - 1]);
      assertThat(unusable).isBetween(0L, 1000L);
    }
    assertThat(last).isEqualTo(2000);
    assertThat(Files.readString(svg)).startsWith("<svg").contains("Fragmentation over the run");
    assertThat(Cli.run(RUN).out).as("the same series again").isEqualTo(a.out);
  }

  @Test
  void aSeriesNeedsARun() {
    Cli c = Cli.run("pagetypeinfo", "--series");
    assertThat(c.code).isEqualTo(2);
    assertThat(c.err).startsWith("asi-sim: pagetypeinfo --series: a time series of a run").hasLineCount(1);
  }
}
