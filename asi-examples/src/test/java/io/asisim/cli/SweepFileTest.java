package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare --sweep FILE} (docs/sweeps.md): a command line and its sweep file give
 * byte-identical JSON; a plugin's own parameters cross with that plugin only; {@code --dry-run}
 * lists the runs and runs nothing; a bad file is one line naming file, line and column, exit 2.
 */
class SweepFileTest {
  @TempDir
  Path dir;

  private Path file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private static Cli compare(String... args) {
    List<String> a = new ArrayList<>(List.of("compare"));
    a.addAll(List.of(args));
    return Cli.run(a.toArray(new String[0]));
  }

  private static void sameJson(String[] commandLine, Path sweep) {
    List<String> cl = new ArrayList<>(List.of(commandLine));
    cl.addAll(List.of("--format", "json", "--threads", "2"));
    Cli a = compare(cl.toArray(new String[0]));
    Cli b = compare("--sweep", sweep.toString(), "--format", "json", "--threads", "2");
    assertThat(a.code).as(a.err).isZero();
    assertThat(b.code).as(b.err).isZero();
    assertThat(b.out).isEqualTo(a.out);
  }

  @Test
  void aCommandLineAndItsFileGiveByteIdenticalJson() throws IOException {
    sameJson(new String[] {"--workload", "fio-randread", "--mapper", "exit,ephmap", "--cpus", "2", "--memory", "128M",
        "--samples", "2", "--set", "workload.fio-randread.ops=300", "--set", "workload.fio-randread.file-size=512K",
        "--metrics", "cycles_per_op,asi_exits"},
        file("a.yaml", String.join("\n", "# the same comparison as its command line",
            "plugins:", "  workload: fio-randread", "  mapper: [exit, ephmap]", "cpus: 2", "memory: 128M",
            "samples: 2", "set:", "  workload.fio-randread.ops: 300", "  workload.fio-randread.file-size: 512K",
            "metrics: [cycles_per_op, asi_exits]", "")));
  }

  @Test
  void listsSitesChecksSeedsAndReferenceGiveByteIdenticalJsonToo() throws IOException {
    sameJson(new String[] {"--workload", "kernel-build", "--mapper", "exit", "--site-mapper", "cow=exit,ephmap",
        "--set", "machine.x86.cr3-noflush=false,true", "--set", "workload.kernel-build.ops=400", "--cpus", "2,4",
        "--memory", "256M", "--samples", "1", "--seed", "5", "--check", "--check-every", "7",
        "--reference", "cpus=2 site.cow=exit machine.x86.cr3-noflush=false"},
        file("b.json", "{\"plugins\": {\"workload\": \"kernel-build\", \"mapper\": \"exit\"},"
            + " \"sites\": {\"cow\": [\"exit\", \"ephmap\"]},"
            + " \"set\": {\"machine.x86.cr3-noflush\": [false, true], \"workload.kernel-build.ops\": 400},"
            + " \"cpus\": [2, 4], \"memory\": \"256M\", \"samples\": 1, \"seed\": 5, \"check\": {\"every\": 7},"
            + " \"reference\": \"cpus=2 site.cow=exit machine.x86.cr3-noflush=false\"}"));
  }

  @Test
  void aPluginsOwnParametersCrossWithThatPluginOnlyAndDryRunListsTheRuns() throws IOException {
    Path f = file("own.yaml", String.join("\n", "title: pools", "samples: 2", "seed: 3", "memory: 256M",
        "plugins:", "  workload: alloc-stress", "  allocator:", "    pageblock-migratetype: {}",
        "    unmapped-pool: {pooled: [sensitive, nonsensitive]}", ""));
    Cli dry = compare("--sweep", f.toString(), "--dry-run");
    assertThat(dry.code).as(dry.err).isZero();
    assertThat(dry.out).isEqualTo(String.join(System.lineSeparator(),
        "pools: 1 baseline and 3 variants, seeds 3..4: 8 runs",
        "  baseline (asi off)",
        "  allocator=pageblock-migratetype", // not twice: pooled is not its parameter
        "  allocator=unmapped-pool allocator.unmapped-pool.pooled=sensitive",
        "  allocator=unmapped-pool allocator.unmapped-pool.pooled=nonsensitive", ""));
    assertThat(dry.err).as("nothing ran").doesNotContain("host:");
    // the command line can only cross the list with both allocators: 2 more runs of one design
    Cli cl = compare("--workload", "alloc-stress", "--allocator", "pageblock-migratetype,unmapped-pool", "--set",
        "allocator.unmapped-pool.pooled=sensitive,nonsensitive", "--memory", "256M", "--samples", "2", "--dry-run");
    assertThat(cl.out).startsWith("comparison: 1 baseline and 4 variants, seeds 1..2: 10 runs");
  }

  /** docs/sweeps.md's example is docs/examples/allocators.yaml, and its dry-run listing is what the doc shows. */
  @Test
  void theDocumentedExampleListsWhatTheDocSays() throws IOException {
    String doc = Files.readString(Path.of("../docs/sweeps.md"));
    int from = doc.indexOf("```yaml\n") + 8;
    Path example = Path.of("../docs/examples/allocators.yaml");
    assertThat(Files.readString(example)).isEqualTo(doc.substring(from, doc.indexOf("```", from)));
    Cli dry = compare("--sweep", example.toString(), "--dry-run");
    assertThat(dry.code).as(dry.err).isZero();
    int listing = doc.indexOf("    allocators: ");
    for (String line : doc.substring(listing, doc.indexOf("      ...", listing)).split("\n")) {
      assertThat(dry.out.lines()).contains(line.substring(4));
    }
    assertThat(dry.out.lines()).hasSize(8);
  }

  @Test
  void theShowcaseDryRunCountsEveryRun() {
    Cli dry = compare("--dry-run");
    assertThat(dry.code).as(dry.err).isZero();
    assertThat(dry.out).containsPattern("(?m)^total: \\d+ runs$");
  }

  private void bad(String text, String error) throws IOException {
    Path f = file("bad.yaml", text);
    Cli c = compare("--sweep", f.toString(), "--dry-run");
    assertThat(c.code).as(c.err).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(c.out).isEmpty();
    assertThat(c.err).startsWith("asi-sim: " + f + ":" + error).endsWith(System.lineSeparator())
        .doesNotContain("\tat ").hasLineCount(1);
  }

  @Test
  void badFilesAreOneLineErrorsWithLineAndColumn() throws IOException {
    bad("sample: 3\n", "1:9: unknown key sample; did you mean 'samples'? (valid keys: title, samples, seed, asi, "
        + "cpus, memory, initial-state, plugins, sites, set, check, exposure-every, reference, metrics)");
    bad("plugins:\n  mapper: [exit, ephmapp]\n", "2:18: plugins.mapper: unknown mapper 'ephmapp'");
    bad("plugins:\n  allocater: buddy\n", "2:14: plugins: unknown plugin kind 'allocater'");
    bad("plugins:\n  allocator:\n    unmapped-pool: {pooled: maybe}\n",
        "3:29: allocator.unmapped-pool.pooled: 'maybe' is not valid (valid: sensitive, nonsensitive)");
    bad("plugins:\n  workload:\n    kernel-build: {opz: 3}\n", "3:25: unknown parameter 'workload.kernel-build.opz'");
    bad("samples: 0\n", "1:10: samples '0': must be an integer 1..1000");
    bad("cpus: [2, x]\n", "1:11: cpus 'x': must be an integer 1..");
    bad("asi: maybe\n", "1:6: asi 'maybe': valid values are on, off");
    bad("memory: 3X\n", "1:9: memory '3X' is not a size (e.g. 4096, 64K, 2M, 16G)");
    bad("seed: 1\nseed: 2\n", "2:1: seed given twice in one map");
    bad("plugins: [exit\n", "1:15: while parsing a flow sequence: expected ',' or ']', but got <stream end>");
    bad("a: b\n c: d\n", "2:3: mapping values are not allowed here");
    bad("- just a list\n", "1:1: a sweep file holds a map (keys such as plugins:, samples:; docs/sweeps.md)");
    bad("set:\n  workload.trace.file: [a, b]\n", "2:24: set.workload.trace.file: a text parameter takes one value");
    // found by SweepFileFuzzTest (regression input multi-line-name): a folded scalar with an empty line
    bad("plugins:\n  allocator:\n    pageblock-migratetype\n\n    pageblock-migratetype\n",
        "3:5: a key or value with a line break or a control character (every one here is one line)");
    bad("{\"refer\\nce\": 1}\n", "1:2: a key or value with a line break or a control character");
    // found by SweepFileFuzzTest (regression input long-value): a 3 KB value echoed whole
    String longValue = "x".repeat(3000);
    bad("asi: " + longValue + "\n", "1:6: asi '" + "x".repeat(400));
    Cli longOne = compare("--sweep", dir.resolve("bad.yaml").toString(), "--dry-run");
    assertThat(longOne.err).contains("x ... x").endsWith("': valid values are on, off" + System.lineSeparator());
    assertThat(longOne.err.length()).isLessThan(SweepNode.MAX_MESSAGE + 200);
    bad("check: {every: 0}\n", "1:16: check.every '0': must be an integer >= 1");
  }

  @Test
  void aCrossProductOfMoreThanMaxVariantsIsRefusedBeforeItIsBuilt() throws IOException {
    StringBuilder cpus = new StringBuilder();
    for (int c = 1; c <= 64; c++) {
      cpus.append(c == 1 ? "" : ", ").append(c);
    }
    StringBuilder ops = new StringBuilder();
    for (int o = 1; o <= 2000; o++) {
      ops.append(o == 1 ? "" : ", ").append(o * 100);
    }
    Path f = file("huge.yaml", "cpus: [" + cpus + "]\nset: {workload.alloc-stress.ops: [" + ops + "]}\n");
    Cli c = compare("--sweep", f.toString(), "--dry-run");
    assertThat(c.code).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(c.err).isEqualTo("asi-sim: " + f + ": the options describe more than 100000 variants (128000 so far, "
        + "before samples): split the study into several comparisons" + System.lineSeparator());
  }

  @Test
  void variantOptionsOnTheCommandLineAreRefusedWithASweep() throws IOException {
    Path f = file("ok.yaml", "plugins: {workload: alloc-stress}\n");
    Cli c = compare("--sweep", f.toString(), "--mapper", "exit");
    assertThat(c.code).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(c.err).isEqualTo("asi-sim: --mapper: with --sweep the variants, samples and metrics come from the "
        + "file; give mapper there (docs/sweeps.md)" + System.lineSeparator());
    Cli noSpark = compare("--sweep", f.toString(), "--engine", "spark", "--dry-run");
    assertThat(noSpark.err).as("asi-spark is not on this module's class path").isEqualTo("asi-sim: --engine spark: not "
        + "on the classpath (valid here: local); build module asi-spark and add it with ASI_SIM_CLASSPATH "
        + "(docs/sweeps.md)" + System.lineSeparator());
    Cli master = compare("--sweep", f.toString(), "--master", "local[2]");
    assertThat(master.err).isEqualTo("asi-sim: --master: only with --engine spark (the local engine runs in this JVM)"
        + System.lineSeparator());
    Cli missing = compare("--sweep", dir.resolve("none.yaml").toString());
    assertThat(missing.err).isEqualTo("asi-sim: --sweep " + dir.resolve("none.yaml") + ": no such file"
        + System.lineSeparator());
  }
}
