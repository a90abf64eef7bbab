package io.asisim.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plugin author's path, end to end: builds {@code asi-examples/sample-plugin} (a standalone
 * Maven project) with Maven against this build's artifacts ({@link StagedRepository}, offline),
 * which runs the testkit contracts on it, then puts the jar it produced on the class path of the
 * CLI and runs the README walk-through's {@code ./asi-sim} commands (step 6) as written: {@code
 * lazy-batched} appears in {@code plugins} and in the {@code compare} table, whose flush policies
 * differ in leak exposures.
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
    for (String test : List.of("LazyBatchedContractTest", "LazyBatchedBatchOfOneContractTest")) {
      // the testkit's contracts ran on the plugin and passed (a directory alone proves neither)
      Path report = project.resolve("target/surefire-reports/TEST-org.example.asi." + test + ".xml");
      assertThat(report).as("the testkit contracts ran").isRegularFile();
      assertThat(Files.readString(report)).doesNotContain("tests=\"0\"").contains("failures=\"0\"")
          .contains("errors=\"0\"");
    }

    List<List<String>> readme = readmeStep6(Files.readString(root.resolve("README.md")));
    assertThat(readme.get(0)).as("the README builds the sample as this test does")
        .containsExactly("mvn", "-q", "-f", "asi-examples/sample-plugin/pom.xml", "package");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      String plugins = cli(loader, asiSim(readme.get(1), jar));
      assertThat(plugins).contains("lazy-batched").contains("not secure for batch > 1");
      assertThat(cli(loader, "metrics")).as("the plugin's declared metric joins the glossary")
          .containsPattern("lazy_batched_flushes +count +lower ");
      String[] compare = asiSim(readme.get(2), jar);
      String table = cli(loader, compare);
      assertThat(table).contains("flush=lazy-batched").contains("flush=mm-global").contains("lazy_batched_flushes");
      // the walk-through's point: the policies differ in leak exposures, mm-global (secure) has none
      List<String> json = new ArrayList<>(List.of(compare));
      json.addAll(List.of("--format", "json"));
      var metrics = new com.fasterxml.jackson.databind.ObjectMapper().readTree(cli(loader, json.toArray(String[]::new)))
          .get("comparisons").get(0).get("metrics");
      // the README's figures, exactly (one seed, deterministic): exposures 0 / 23 / 42 for 7 / 1 / 0 IPIs
      assertThat(means(metrics.get("leak_exposures"))).containsEntry("flush=mm-global", 0.0)
          .containsEntry("flush=lazy-batched", 23.0).containsEntry("flush=local", 42.0);
      assertThat(means(metrics.get("tlb_shootdown_ipis"))).containsEntry("flush=mm-global", 7.0)
          .containsEntry("flush=lazy-batched", 1.0).containsEntry("flush=local", 0.0);
      String selected = cli(loader, "compare", "--workload", "fio-randread", "--mapper", "vmalloc",
          "--flush", "mm-global,lazy-batched", "--cpus", "4", "--memory", "512M", "--samples", "1",
          "--set", "workload.fio-randread.ops=400", "--set", "workload.fio-randread.file-size=1M",
          "--set", "flush.lazy-batched.batch=8", "--format", "csv", "--metrics", "lazy_batched_flushes,tlb_shootdown_ipis");
      // the plugin declares its metric (Plugin.metrics()), so --metrics accepts it before anything runs
      assertThat(selected).contains("flush=lazy-batched").contains("flush=mm-global").contains(",lazy_batched_flushes,")
          .doesNotContain(",cycles_per_op,");
    }
  }

  /**
   * The commands of the README's walk-through step 6, each split into words, backslash-continued
   * lines joined: the test runs them as written, so the README cannot show a command that fails,
   * hangs for an hour or shows nothing.
   */
  static List<List<String>> readmeStep6(String readme) {
    int step = readme.indexOf("6. **Build, then compare it with the built-in policies**");
    assertThat(step).as("README walk-through step 6").isPositive();
    int open = readme.indexOf("```sh\n", step) + "```sh\n".length();
    String block = readme.substring(open, readme.indexOf("```", open)).replace("\\\n", " ");
    List<List<String>> out = new ArrayList<>();
    for (String line : block.split("\n")) {
      if (!line.isBlank()) {
        out.add(List.of(line.trim().split("\\s+")));
      }
    }
    assertThat(out).as("step 6: build, plugins, compare").hasSize(3);
    return out;
  }

  /** The arguments after {@code ./asi-sim} of a README command that puts {@code jar} on ASI_SIM_CLASSPATH. */
  private static String[] asiSim(List<String> words, Path jar) {
    assertThat(words.get(0)).isEqualTo("ASI_SIM_CLASSPATH=asi-examples/sample-plugin/target/" + jar.getFileName());
    assertThat(words.get(1)).isEqualTo("./asi-sim");
    return words.subList(2, words.size()).toArray(String[]::new);
  }

  /** Variant label to mean of one metric of a comparison's JSON. */
  private static java.util.Map<String, Double> means(com.fasterxml.jackson.databind.JsonNode metric) {
    java.util.Map<String, Double> m = new java.util.TreeMap<>();
    metric.get("rows").forEach(r -> m.put(r.get("variant").asText(), r.get("mean").asDouble()));
    return m;
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
