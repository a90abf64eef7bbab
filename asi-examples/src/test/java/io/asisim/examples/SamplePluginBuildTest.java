package io.asisim.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    int code = staged.build(project, log, "clean", "package");
    assertThat(code).as("mvn package of the sample plugin:\n" + Files.readString(log)).isZero();
    Path jar = project.resolve("target/asi-lazy-batched-flush-1.0.0.jar");
    assertThat(jar).isRegularFile();
    assertThat(project.resolve("target/surefire-reports")).as("the testkit contracts ran").isDirectory();

    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      String plugins = cli(loader, "plugins");
      assertThat(plugins).contains("lazy-batched").contains("not secure for batch > 1");
      assertThat(cli(loader, "metrics")).as("the plugin's declared metric joins the glossary")
          .containsPattern("lazy_batched_flushes +count +lower ");
      String table = cli(loader, "compare", "--workload", "fio-randread", "--mapper", "vmalloc",
          "--flush", "mm-global,lazy-batched", "--cpus", "4", "--memory", "512M", "--samples", "1",
          "--set", "workload.fio-randread.ops=400", "--set", "workload.fio-randread.file-size=1M",
          "--set", "flush.lazy-batched.batch=8", "--format", "csv");
      assertThat(table).contains("flush=lazy-batched").contains("flush=mm-global").contains("lazy_batched_flushes");
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
}
