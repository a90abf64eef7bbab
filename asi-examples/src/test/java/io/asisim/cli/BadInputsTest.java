package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bad-input corpus (src/test/resources/bad-inputs) and bad invocations: each fails with exit
 * code 2, one line on stderr naming what and where, nothing on stdout, no stack trace, and no
 * output files left behind.
 */
class BadInputsTest {
  @TempDir
  static Path tmp;
  private static ClassLoader loader;
  private static Path corpus;

  @BeforeAll
  static void setUp() throws IOException, URISyntaxException {
    loader = TestLoaders.loader();
    corpus = Path.of(BadInputsTest.class.getResource("/bad-inputs/empty.txt").toURI()).getParent();
  }

  private static Cli fails(String... args) {
    Cli cli = Cli.run(loader, args);
    assertThat(cli.code).as(cli.err).isEqualTo(2);
    assertThat(cli.out).isEmpty();
    assertThat(cli.err).startsWith("asi-sim: ").endsWith("\n");
    assertThat(cli.err.strip()).doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
    return cli;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "truncated-line.perf.txt|:3: expected 'EVENT:' after the timestamp, got 'kmem:mm_page_fr'",
      "wrong-field-types.perf.txt|:2: bad pfn '0xqqq'",
      "huge-pfn.perf.txt|:2: bad pfn '0x99999999999999999999999'",
      "huge-order.perf.txt|:2: bad order '4000000000' (valid: 0..10)",
      "unknown-gfp-flag.perf.txt|:2: bad gfp_flags: unknown GFP flag '__GFP_BOGUS'",
      "binary-junk.bin|: not a kmem trace: none of the first",
      "empty.txt|: empty file: no kmem events",
      "no-events.txt|: not a kmem trace",
      "not-a-trace.txt|: not a kmem trace",
      "corrupt.gz|:1: corrupt gzip stream: Corrupt GZIP trailer",
      "truncated.gz|:1: truncated or corrupt gzip stream: Unexpected end of ZLIB input stream",
      "corrupt.xz|:1: corrupt xz stream: XZ Block Header is corrupt",
      // the xz decoder's end-of-input exception has no message: what it means is said instead
      "truncated.xz|:1: truncated or corrupt xz stream: unexpected end of data",
  })
  void malformedTraceFailsWithTheFileAndLine(String file, String message) {
    Path f = corpus.resolve(file);
    Cli cli = fails("replay", f.toString(), "--strict", "--memory", "256M", "--format", "json");
    assertThat(cli.err).startsWith("asi-sim: " + f + message);
  }

  @Test
  void malformedTraceReplayedByTheTraceWorkloadFailsTheSameWay() {
    Path f = corpus.resolve("corrupt.xz");
    Cli cli = fails("run", "--workload", "trace", "--set", "workload.trace.file=" + f, "--memory", "256M");
    assertThat(cli.err).startsWith("asi-sim: " + f + ":1: corrupt xz stream: XZ Block Header is corrupt");
  }

  @Test
  void missingTraceFileIsNamed() {
    Path f = tmp.resolve("no-such-trace.txt");
    assertThat(fails("replay", f.toString()).err).startsWith("asi-sim: " + f + ": no such file");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "run --workload fio-randread --cpu-profile zen5|--cpu-profile: unknown cpu-profile 'zen5' (valid: ",
      "run --workload fio-randread --flush nope|--flush: unknown flush 'nope' (valid: ",
      "run --workload fio-randread --context-switch never|--context-switch: unknown context-switch 'never' (valid: ",
      "run --workload fio-randread --sensitivity nope|--sensitivity: unknown sensitivity 'nope' (valid: ",
      "run --workload fio-randread --set workload.fio-randread.block-size=3K|--set: workload.fio-randread.block-size: '3K' is out of range (valid: 4K..1M)",
      "run --workload fio-randread --set workload.fio-randread.ops=-5|--set: workload.fio-randread.ops: '-5' is out of range (valid: 1..max)",
      "run --workload fio-randread --set workload.fio-randread.nope=1|--set: unknown parameter 'workload.fio-randread.nope' (valid: ops, jobs, thread, file-size, block-size, tmpfs-huge, user-ns-per-read)",
      "run --workload fio-randread --cpus 300|--cpus '300': must be an integer 1..256",
      "run --workload trace|workload.trace.file is not set",
      // contradictory: ephmap slots above the machine's preallocated mm-local slots
      "run --workload fio-randread --mapper ephmap --set mapper.ephmap.slots=2 --set machine.x86.mm-local-slots=1 --set workload.fio-randread.file-size=1M --set workload.fio-randread.ops=10 --memory 256M|mapper 'ephmap': ephmap slots must be 1..1",
      // memory smaller than the workload needs
      "run --workload fio-randread --set workload.fio-randread.file-size=1G --set workload.fio-randread.ops=10 --memory 256M|workload 'fio-randread' does not fit this machine (256 MiB, 8 CPUs): file-size 1073741824 bytes does not fit in half of memory",
      "run --workload fio-randread --set workload.fio-randread.jobs=4096 --set workload.fio-randread.file-size=1M --set workload.fio-randread.ops=10 --memory 64M --cpus 2|workload 'fio-randread' does not fit this machine (64 MiB, 2 CPUs): out of memory starting fio job",
      "compare --workload fio-randread --check --check-every 0|--check-every 0: must be >= 1",
  })
  void badInvocationIsOneLineAndExit2(String args, String message) {
    assertThat(fails(args.split(" ")).err).startsWith("asi-sim: " + message);
  }

  @Test
  void failedCompareLeavesNoOutputDirectory() throws IOException {
    Path out = tmp.resolve("cmp-bad-name");
    fails("compare", "--workload", "fio-randread", "--mapper", "exit,nope", "--out", out.toString());
    assertThat(out).doesNotExist();
    Path out2 = tmp.resolve("cmp-too-big");
    fails("compare", "--workload", "fio-randread", "--set", "workload.fio-randread.file-size=1G", "--memory", "256M",
        "--samples", "1", "--threads", "1", "--out", out2.toString());
    assertThat(out2).doesNotExist();
    Path out3 = Files.createDirectories(tmp.resolve("cmp-existing-empty"));
    fails("compare", "--workload", "fio-randread", "--set", "workload.fio-randread.file-size=1G", "--memory", "256M",
        "--samples", "1", "--threads", "1", "--out", out3.toString());
    try (Stream<Path> s = Files.list(out3)) {
      assertThat(s).as("nothing written into an existing --out directory").isEmpty();
    }
  }
}
