package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare --results DIR} and {@code --from-results DIR} (docs/sweeps.md): a sweep killed with
 * SIGKILL midway and run again resumes, runs no finished run twice and prints the JSON of an
 * uninterrupted run; the report is rebuilt from the store alone; a store of another build or
 * another sweep, or a damaged record, is a one-line error.
 */
class ResultStoreTest {
  /** 16 runs (a baseline and 3 variants, 4 seeds) of about a quarter of a second each. */
  private static final String SWEEP = String.join("\n", "samples: 4", "memory: 256M", "cpus: 2", "plugins:",
      "  workload: alloc-stress", "  allocator:", "    pageblock-migratetype: {}",
      "    unmapped-pool: {pooled: [sensitive, nonsensitive]}", "set:", "  workload.alloc-stress.ops: 150000", "");
  private static final int RUNS = 16;

  @TempDir
  Path dir;

  private Path sweep() throws IOException {
    Path f = dir.resolve("sweep.yaml");
    Files.writeString(f, SWEEP, StandardCharsets.UTF_8);
    return f;
  }

  private static long records(Path store) throws IOException {
    Path runs = store.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(runs)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json") && !p.getFileName().toString().startsWith(".")).count();
    }
  }

  private static long temporaries(Path store) throws IOException {
    try (Stream<Path> s = Files.list(store.resolve("runs"))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
    }
  }

  @Test
  void aSweepKilledMidwayResumesWithoutRunningAFinishedRunTwice() throws Exception {
    Path f = sweep();
    Path store = dir.resolve("store");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "compare", "--sweep", f.toString(),
        "--results", store.toString(), "--threads", "1", "--format", "json"));
    Process p = new ProcessBuilder(cmd).redirectOutput(new File("/dev/null")).redirectError(dir.resolve("err").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (records(store) < 3 && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    long kept = records(store);
    assertThat(kept).as("killed midway: " + Files.readString(dir.resolve("err"))).isBetween(3L, RUNS - 1L);

    Cli dry = Cli.run("compare", "--sweep", f.toString(), "--results", store.toString(), "--dry-run");
    assertThat(dry.out).endsWith("results " + store + ": " + kept + " of " + RUNS + " runs stored (read, not run), "
        + (RUNS - kept) + " to run" + System.lineSeparator());
    Cli resumed = Cli.run("compare", "--sweep", f.toString(), "--results", store.toString(), "--threads", "2",
        "--format", "json");
    assertThat(resumed.code).as(resumed.err).isZero();
    assertThat(resumed.err).contains("host: " + RUNS + " runs in ")
        .contains("; " + kept + " read from " + store + ", " + (RUNS - kept) + " run and stored");
    assertThat(records(store)).isEqualTo(RUNS);
    assertThat(temporaries(store)).isZero();

    Cli whole = Cli.run("compare", "--sweep", f.toString(), "--threads", "2", "--format", "json");
    assertThat(resumed.out).isEqualTo(whole.out);
    Cli rebuilt = Cli.run("compare", "--from-results", store.toString(), "--format", "json");
    assertThat(rebuilt.code).as(rebuilt.err).isZero();
    assertThat(rebuilt.out).isEqualTo(whole.out);
    assertThat(rebuilt.err).contains("; " + RUNS + " read from " + store + ", 0 run and stored");

    // stores of several machines merge by copying records: the same run has the same name everywhere
    Path other = dir.resolve("other");
    Files.createDirectories(other.resolve("runs"));
    Files.copy(store.resolve(ResultStore.MANIFEST), other.resolve(ResultStore.MANIFEST));
    try (Stream<Path> s = Files.list(store.resolve("runs"))) {
      for (Path r : (Iterable<Path>) s::iterator) {
        Files.copy(r, other.resolve("runs").resolve(r.getFileName()));
      }
    }
    assertThat(Cli.run("compare", "--from-results", other.toString(), "--format", "json").out).isEqualTo(whole.out);
  }

  private Path storeOfOneRun() throws IOException {
    Path f = dir.resolve("one.yaml");
    Files.writeString(f, "samples: 1\nmemory: 128M\ncpus: 2\nplugins: {workload: alloc-stress}\n"
        + "set: {workload.alloc-stress.ops: 1000}\n");
    Path store = dir.resolve("one");
    Cli c = Cli.run("compare", "--sweep", f.toString(), "--results", store.toString());
    assertThat(c.code).as(c.err).isZero();
    return store;
  }

  private static Path aRecord(Path store) throws IOException {
    try (Stream<Path> s = Files.list(store.resolve("runs"))) {
      return s.findFirst().orElseThrow();
    }
  }

  @Test
  void aRecordOfAnotherBuildIsNotMixedIn() throws IOException {
    Path store = storeOfOneRun();
    Path r = aRecord(store);
    Files.writeString(r, Files.readString(r).replaceFirst("\"git_commit\" : \"[^\"]*\"", "\"git_commit\" : \"0123abc\""));
    Cli c = Cli.run("compare", "--from-results", store.toString());
    assertThat(c.code).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(c.out).isEmpty();
    assertThat(c.err).startsWith("asi-sim: " + r + ": written by asi-sim 0.1.0-SNAPSHOT (git 0123abc), this is ")
        .endsWith(": results of different builds are not mixed; use another --results directory" + System.lineSeparator());
  }

  @Test
  void aDamagedRecordOrAnotherSweepOrNoStoreIsAOneLineError() throws IOException {
    Path store = storeOfOneRun();
    Path r = aRecord(store);
    String text = Files.readString(r);
    Files.writeString(r, text.substring(0, text.length() / 2));
    Cli damaged = Cli.run("compare", "--from-results", store.toString());
    assertThat(damaged.code).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(damaged.err).startsWith("asi-sim: " + r + ": unreadable run record: ").hasLineCount(1);

    Cli another = Cli.run("compare", "--workload", "alloc-stress", "--memory", "128M", "--samples", "1", "--set",
        "workload.alloc-stress.ops=2000", "--results", store.toString());
    assertThat(another.code).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(another.err).isEqualTo("asi-sim: --results " + store + ": it holds the runs of another comparison (its "
        + "sweep.json differs); resume with the same sweep, or use another directory" + System.lineSeparator());

    Cli none = Cli.run("compare", "--from-results", dir.resolve("nothing").toString());
    assertThat(none.err).isEqualTo("asi-sim: --from-results " + dir.resolve("nothing") + ": not a result store (no "
        + "sweep.json; make one with compare ... --results " + dir.resolve("nothing") + ")" + System.lineSeparator());
    Cli mixed = Cli.run("compare", "--from-results", store.toString(), "--mapper", "exit");
    assertThat(mixed.err).isEqualTo("asi-sim: --mapper: with --from-results the store's sweep.json says what ran"
        + System.lineSeparator());
  }
}
