package io.asisim.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The plugin author's path, end to end: builds {@code asi-examples/sample-plugin} (a standalone
 * Maven project) with Maven against this build's artifacts ({@link StagedRepository}, offline),
 * which runs the testkit contracts on it, then puts the jar it produced on the class path of the
 * CLI and checks that {@code lazy-batched} appears in {@code plugins} and in a {@code compare} table.
 */
class SamplePluginBuildTest {
  private static final List<String> MODULES =
      List.of("asi-api", "asi-test-fixtures", "asi-x86", "asi-pagealloc", "asi-ephmap", "asi-policies", "asi-engine", "asi-testkit");

  @Test
  void samplePluginBuildsPassesTheTestkitAndJoinsAComparison() throws Exception {
    Path root = StagedRepository.reactorRoot();
    Path work = root.resolve("asi-examples/target/sample-plugin-it");
    StagedRepository staged = StagedRepository.stage(work, MODULES);
    Path project = work.resolve("project");
    StagedRepository.copyTree(root.resolve("asi-examples/sample-plugin"), project);
    Path log = work.resolve("build.log");
    List<String> cmd = new ArrayList<>(List.of(mvn(), "-B", "-q", "-o", "-Daether.offline.protocols=file",
        "-s", staged.settings.toString(), "-Dmaven.repo.local=" + staged.repo, "-f",
        project.resolve("pom.xml").toString(), "clean", "package"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("nested build finished").isTrue();
    assertThat(p.exitValue()).as("mvn package of the sample plugin:\n" + Files.readString(log)).isZero();
    Path jar = project.resolve("target/asi-lazy-batched-flush-1.0.0.jar");
    assertThat(jar).isRegularFile();
    assertThat(project.resolve("target/surefire-reports")).as("the testkit contracts ran").isDirectory();

    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      String plugins = cli(loader, "plugins");
      assertThat(plugins).contains("lazy-batched").contains("not secure for batch > 1");
      String table = cli(loader, "compare", "--workload", "fio-randread", "--mapper", "vmalloc",
          "--flush", "mm-global,lazy-batched", "--cpus", "4", "--memory", "512M", "--samples", "1",
          "--set", "workload.fio-randread.ops=400", "--set", "workload.fio-randread.file-size=1M",
          "--set", "flush.lazy-batched.batch=8", "--format", "csv", "--metrics", "lazy_batched_flushes,tlb_shootdown_ipis");
      // the plugin declares its metric (Plugin.metrics()), so --metrics accepts it before anything runs
      assertThat(table).contains("flush=lazy-batched").contains("flush=mm-global").contains(",lazy_batched_flushes,")
          .doesNotContain(",cycles_per_op,");
    }
  }

  /** Runs the CLI in-process with {@code loader} as the plugin class loader; returns stdout. */
  private static String cli(ClassLoader loader, String... args) {
    Thread t = Thread.currentThread();
    ClassLoader prev = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    try {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
      assertThat(code).as(String.join(" ", args) + ": " + err).isZero();
      return out.toString();
    } finally {
      t.setContextClassLoader(prev);
    }
  }

  /** The Maven launcher: {@code $MAVEN_HOME/bin/mvn}, else {@code mvn} on the PATH. */
  private static String mvn() throws IOException {
    String home = System.getenv("MAVEN_HOME");
    if (home == null) {
      home = System.getProperty("maven.home");
    }
    if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
      return Path.of(home, "bin", "mvn").toString();
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path m = Path.of(dir, "mvn");
      if (Files.isExecutable(m)) {
        return m.toString();
      }
    }
    throw new IOException("mvn not found on PATH or in MAVEN_HOME: the sample plugin build needs Maven");
  }

}
