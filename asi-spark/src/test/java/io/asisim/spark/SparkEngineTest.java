package io.asisim.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.cli.Main;
import io.asisim.fixtures.PluginJars;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare --engine spark} (docs/sweeps.md): one sweep file run on the local thread pool, on
 * Spark in local mode and on a local cluster of two executor JVMs ({@code local-cluster[2,1,1024]}:
 * the honest test of what travels between JVMs) gives byte-identical JSON; a bad input met on an
 * executor is the same one-line error and exit code as a local run's.
 */
class SparkEngineTest {
  private static final String SWEEP = String.join("\n", "samples: 2", "memory: 128M", "cpus: 2", "plugins:",
      "  workload: alloc-stress", "  allocator:", "    pageblock-migratetype: {}",
      "    unmapped-pool: {pooled: [sensitive, nonsensitive]}", "set:", "  workload.alloc-stress.ops: 20000", "");

  @TempDir
  static Path dir;

  record Out(int code, String out, String err) {}

  @BeforeAll
  static void sparkHome() throws IOException {
    // what local-cluster needs of a Spark installation (SPARK_HOME is set by the pom's surefire configuration)
    Path home = Path.of(System.getenv("SPARK_HOME"));
    Files.createDirectories(home.resolve("jars"));
    if (!Files.exists(home.resolve("RELEASE"))) {
      Files.createFile(home.resolve("RELEASE"));
    }
  }

  private static Out cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Out(code, out.toString(), err.toString());
  }

  private static Out compare(Path sweep, String... more) {
    List<String> a = new ArrayList<>(List.of("compare", "--sweep", sweep.toString(), "--format", "json", "--threads", "2"));
    a.addAll(List.of(more));
    return cli(a.toArray(new String[0]));
  }

  @Test
  @Timeout(300)
  void oneSweepThreeWaysGivesByteIdenticalJson() throws IOException {
    Path f = dir.resolve("sweep.yaml");
    Files.writeString(f, SWEEP, StandardCharsets.UTF_8);
    Out local = compare(f);
    assertThat(local.code).as(local.err).isZero();
    Out sparkLocal = compare(f, "--engine", "spark", "--master", "local[2]");
    assertThat(sparkLocal.code).as(sparkLocal.err).isZero();
    assertThat(sparkLocal.out).isEqualTo(local.out);
    Out cluster = compare(f, "--engine", "spark", "--master", "local-cluster[2,1,1024]");
    assertThat(cluster.code).as(cluster.err).isZero();
    assertThat(cluster.out).isEqualTo(local.out);
    // a result store behind Spark keeps every run (job by job), and a rerun reads them all
    Path store = dir.resolve("store");
    Out stored = compare(f, "--engine", "spark", "--master", "local[2]", "--results", store.toString());
    assertThat(stored.out).isEqualTo(local.out);
    assertThat(stored.err).contains("; 0 read from " + store + ", 8 run and stored");
    Out again = compare(f, "--engine", "spark", "--master", "local[2]", "--results", store.toString());
    assertThat(again.out).isEqualTo(local.out);
    assertThat(again.err).contains("; 8 read from " + store + ", 0 run and stored");
  }

  /**
   * A plugin jar the executors get only through {@code --jars} (spark.jars): its workload runs on two
   * executor JVMs; without {@code --jars} the executors find another plugin set and the sweep ends
   * with one line naming the plugin.
   */
  @Test
  @Timeout(300)
  void aPluginJarShippedWithJarsRunsOnTheExecutorsAndAMissingOneIsOneLine() throws Exception {
    Path jar = PluginJars.build(dir.resolve("plugin"), "tiny.TinyWork", PluginJars.workloadSource("tiny", "TinyWork",
        "tiny-work"));
    Path f = dir.resolve("tiny.yaml");
    Files.writeString(f, "samples: 2\nmemory: 128M\ncpus: 2\nplugins: {workload: tiny-work}\n");
    ClassLoader prev = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader loader = PluginJars.loader(List.of(jar))) {
      Thread.currentThread().setContextClassLoader(loader); // the driver finds it, as with ASI_SIM_CLASSPATH
      Out local = compare(f);
      assertThat(local.code).as(local.err).isZero();
      Out shipped = compare(f, "--engine", "spark", "--master", "local-cluster[2,1,1024]", "--jars", jar.toString());
      assertThat(shipped.code).as(shipped.err).isZero();
      assertThat(shipped.out).isEqualTo(local.out);
      Out missing = compare(f, "--engine", "spark", "--master", "local-cluster[1,1,1024]");
      assertThat(missing.code).isEqualTo(2);
      assertThat(missing.out).isEmpty();
      assertThat(missing.err).matches("asi-sim: executor \\S+ has another plugin set than the driver: the driver's "
          + "'workload tiny-work tiny.TinyWork tiny-TinyWork.jar@[0-9a-f]{16}' is missing here \\(ship every plugin "
          + "jar with --jars\\)\\R");
    } finally {
      Thread.currentThread().setContextClassLoader(prev);
    }
  }

  @Test
  @Timeout(120)
  void aBadInputOnAnExecutorIsTheLocalOneLineError() throws IOException {
    Path f = dir.resolve("missing-trace.yaml");
    Files.writeString(f, "samples: 1\nmemory: 128M\nplugins: {workload: {trace: {file: " + dir.resolve("none.txt") + "}}}\n");
    Out local = compare(f);
    Out spark = compare(f, "--engine", "spark", "--master", "local[2]");
    assertThat(local.code).isEqualTo(2);
    assertThat(spark.code).isEqualTo(local.code);
    assertThat(spark.err).isEqualTo(local.err).hasLineCount(1);
    assertThat(spark.out).isEmpty();
  }
}
