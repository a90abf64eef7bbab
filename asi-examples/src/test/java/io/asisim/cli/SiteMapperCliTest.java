package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code --site-mapper} through the CLI: the run JSON records every site's mapper; compare crosses lists. */
class SiteMapperCliTest {
  private static final String[] FIO = {"--workload", "fio-randread", "--cpus", "2", "--memory", "256M",
      "--set", "workload.fio-randread.file-size=1M", "--set", "workload.fio-randread.ops=200"};

  private static String[] with(String[] base, String... more) {
    String[] a = new String[base.length + more.length];
    System.arraycopy(more, 0, a, 0, more.length);
    System.arraycopy(base, 0, a, more.length, base.length);
    return a;
  }

  @Test
  void theRunJsonRecordsTheMapperOfEverySite() throws Exception {
    Cli cli = Cli.run(with(FIO, "run", "--mapper", "exit", "--site-mapper", "pagecache-read=ephmap", "--format", "json"));
    assertThat(cli.code).as(cli.err).isZero();
    JsonNode root = new ObjectMapper().readTree(cli.out);
    JsonNode sites = root.get("variant").get("site_mappers");
    assertThat(sites.get("pagecache-read").asText()).isEqualTo("ephmap");
    assertThat(sites.get("pagecache-write").asText()).isEqualTo("exit");
    assertThat(sites.get("zeroing").asText()).isEqualTo("exit");
    assertThat(sites.get("cow").asText()).isEqualTo("exit");
    // fio only reads: through the ephmap no read exits at the page-cache site
    assertThat(root.get("metrics").get("asi_exit_sites.pagecache_read").get("value").asLong()).isZero();
  }

  @Test
  void compareCrossesASiteListWithTheOtherAxesAndLabelsIt() throws Exception {
    Cli cli = Cli.run(with(FIO, "compare", "--samples", "1", "--mapper", "exit",
        "--site-mapper", "pagecache-read=exit,ephmap", "--format", "csv"));
    assertThat(cli.code).as(cli.err).isZero();
    assertThat(cli.out).contains("site.pagecache-read=exit").contains("site.pagecache-read=ephmap");
  }

  @Test
  void aSiteGivenTwiceIsOneLineAndExit2() {
    Cli cli = Cli.run(with(FIO, "run", "--site-mapper", "cow=ephmap", "--site-mapper", "cow=exit"));
    assertThat(cli.code).isEqualTo(2);
    assertThat(cli.err.strip()).isEqualTo("asi-sim: --site-mapper 'cow=exit': site cow given twice");
  }

  @Test
  void runTakesOneMapperPerSite() {
    Cli cli = Cli.run(with(FIO, "run", "--site-mapper", "cow=ephmap,exit"));
    assertThat(cli.code).isEqualTo(2);
    assertThat(cli.err).contains("run takes one value");
  }
}
