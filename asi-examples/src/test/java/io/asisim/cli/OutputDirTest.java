package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.sim.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare --out}: the folder is checked before anything is simulated, a non-empty one needs
 * {@code --force}, which removes only the earlier run's files, and files are written whole.
 */
class OutputDirTest {
  @TempDir
  Path tmp;

  /** A comparison of a few hundred ops: enough for tables, charts and report.html. */
  private static Cli compare(Path out, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("compare", "--workload", "fio-randread", "--mapper",
        "exit,ephmap", "--samples", "1", "--set", "workload.fio-randread.ops=300", "--out", out.toString()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  /** Exit 2, one line naming --out, and nothing simulated: no table, no host-time line. */
  private static String refused(Cli r) {
    assertThat(r.code).as(r.err).isEqualTo(2);
    assertThat(r.out).isEmpty();
    assertThat(r.err.strip()).startsWith("asi-sim: --out ").doesNotContain("\n").doesNotContain("host:");
    return r.err.strip();
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void unwritableOrUncreatableOutIsRefusedBeforeAnyRun() throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    assertThat(refused(compare(file))).contains("exists and is not a directory");
    assertThat(refused(compare(file.resolve("sub")))).contains("cannot create the directory")
        .contains("(Not a directory)");
    // /proc refuses new entries even to root, unlike a chmod'ed directory
    assertThat(refused(compare(Path.of("/proc")))).contains("directory is not writable");
    assertThat(refused(compare(Path.of("/proc/asi-sim-out")))).contains("cannot create the directory");
    Cli r = Cli.run("compare", "--workload", "fio-randread", "--force");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err.strip()).isEqualTo("asi-sim: --force: only with --out DIR (it lets --out replace an earlier report)");
  }

  @Test
  void writesReportDataAndChartsWithAManifest() throws IOException {
    Path out = tmp.resolve("new/deeper");
    Cli r = compare(out);
    assertThat(r.code).as(r.err).isZero();
    assertThat(r.out).contains("cycles_per_op");
    List<String> files = names(out);
    assertThat(files).contains("report.html", "comparison.csv", "comparison.json", "comparison.md",
        "comparison-cycles-per-op.svg", OutputDir.MANIFEST);
    assertThat(files).allMatch(n -> !n.endsWith(".tmp"));
    List<String> manifest = Files.readAllLines(out.resolve(OutputDir.MANIFEST));
    assertThat(manifest).containsExactlyInAnyOrderElementsOf(
        files.stream().filter(n -> !n.equals(OutputDir.MANIFEST)).toList());
    assertThat(r.err).contains("wrote " + manifest.size() + " files to " + out);
    // same config and seed, same files, byte for byte: charts and page included
    Path again = tmp.resolve("again");
    assertThat(compare(again).code).isZero();
    assertThat(names(again)).isEqualTo(files);
    for (String n : files) {
      assertThat(Files.readAllBytes(again.resolve(n))).as(n).isEqualTo(Files.readAllBytes(out.resolve(n)));
    }
  }

  @Test
  void nonEmptyOutNeedsForceWhichRemovesOnlyTheEarlierRunsFiles() throws IOException {
    Path out = tmp.resolve("out");
    assertThat(compare(out).code).isZero();
    // an earlier run's chart this run does not draw, a file of the user's, one outside the folder
    Files.writeString(out.resolve("comparison-old-metric.svg"), "<svg/>");
    Files.writeString(out.resolve("notes.txt"), "mine");
    Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep");
    Files.writeString(out.resolve(OutputDir.MANIFEST), "comparison-old-metric.svg\n../outside.txt\n.hidden\n",
        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

    assertThat(refused(compare(out))).contains("is not empty").contains("--force");
    assertThat(out.resolve("comparison-old-metric.svg")).exists();

    Cli r = compare(out, "--force");
    assertThat(r.code).as(r.err).isZero();
    assertThat(out.resolve("comparison-old-metric.svg")).doesNotExist();
    assertThat(out.resolve("notes.txt")).hasContent("mine");
    assertThat(outside).hasContent("keep");
    assertThat(out.resolve("report.html")).exists();
    assertThat(Files.readAllLines(out.resolve(OutputDir.MANIFEST))).doesNotContain("comparison-old-metric.svg")
        .doesNotContain("notes.txt").contains("report.html");
  }

  @Test
  void aFailedWriteKeepsTheFilesFinishedBeforeItAndOwnsThem() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("half"));
    OutputDir dir = OutputDir.open(out, false);
    Files.createDirectories(out.resolve("b.txt").resolve("in-the-way")); // b.txt cannot replace this
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("a.txt", "first".getBytes(StandardCharsets.UTF_8));
    files.put("b.txt", "second".getBytes(StandardCharsets.UTF_8));
    files.put("c.txt", "third".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> dir.write(files)).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("--out " + out + ": cannot write");
    assertThat(out.resolve("a.txt")).hasContent("first");
    assertThat(names(out)).containsExactly(OutputDir.MANIFEST, "a.txt", "b.txt");
    assertThat(Files.readAllLines(out.resolve(OutputDir.MANIFEST))).containsExactly("a.txt", "b.txt", "c.txt");
  }
}
