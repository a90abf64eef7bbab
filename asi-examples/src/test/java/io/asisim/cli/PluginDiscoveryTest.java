package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asisim.api.plugin.PluginKind;
import io.asisim.fixtures.PluginJars;
import io.asisim.sim.BadInputException;
import io.asisim.sim.plugin.PluginRegistry;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A third-party plugin jar dropped on the classpath is discovered, selectable and configurable. */
class PluginDiscoveryTest {
  @TempDir
  Path tmp;

  @Test
  void throwAwayPluginIsDiscoveredListedAndConfigurable() throws Exception {
    Path jar = PluginJars.build(tmp.resolve("a"), "org.example.TinyWorkload",
        PluginJars.workloadSource("org.example", "TinyWorkload", "tiny"));
    try (URLClassLoader loader = PluginJars.loader(List.of(jar))) {
      // not visible without the jar, visible with it
      assertThat(PluginRegistry.discover(getClass().getClassLoader()).has(PluginKind.WORKLOAD, "tiny")).isFalse();
      assertThat(PluginRegistry.discover(loader).has(PluginKind.WORKLOAD, "tiny")).isTrue();

      Cli plugins = Cli.run(loader, "plugins", "--format", "json");
      assertThat(plugins.code).isZero();
      JsonNode tiny = null;
      for (JsonNode p : new ObjectMapper().readTree(plugins.out).get("plugins")) {
        if (p.get("name").asText().equals("tiny")) {
          tiny = p;
        }
      }
      assertThat(tiny).isNotNull();
      assertThat(tiny.get("kind").asText()).isEqualTo("workload");
      assertThat(tiny.get("class").asText()).isEqualTo("org.example.TinyWorkload");
      assertThat(tiny.get("params").get(0).get("name").asText()).isEqualTo("ops");
      assertThat(tiny.get("params").get(0).get("valid").asText()).isEqualTo("1..1000");

      // --set is validated against the plugin's declared parameters
      Cli bad = Cli.run(loader, "run", "--workload", "tiny", "--set", "workload.tiny.ops=5000");
      assertThat(bad.code).isEqualTo(2);
      assertThat(bad.err.strip()).isEqualTo("asi-sim: --set: workload.tiny.ops: '5000' is out of range (valid: 1..1000)");
      Cli unknownParam = Cli.run(loader, "run", "--workload", "tiny", "--set", "workload.tiny.speed=3");
      assertThat(unknownParam.code).isEqualTo(2);
      assertThat(unknownParam.err.strip())
          .isEqualTo("asi-sim: --set: unknown parameter 'workload.tiny.speed' (valid: ops, order)");
    }
  }

  @Test
  void duplicateNamesFromTwoJarsNameBothClasses() throws Exception {
    Path a = PluginJars.build(tmp.resolve("a"), "org.one.Dup", PluginJars.workloadSource("org.one", "Dup", "dup"));
    Path b = PluginJars.build(tmp.resolve("b"), "org.two.Dup", PluginJars.workloadSource("org.two", "Dup", "dup"));
    try (URLClassLoader loader = PluginJars.loader(List.of(a, b))) {
      assertThatThrownBy(() -> PluginRegistry.discover(loader))
          .isInstanceOf(BadInputException.class)
          .hasMessage("duplicate workload plugin name 'dup': org.one.Dup and org.two.Dup");
      Cli cli = Cli.run(loader, "plugins");
      assertThat(cli.code).isEqualTo(2);
      assertThat(cli.err).isEqualTo("asi-sim: duplicate workload plugin name 'dup': org.one.Dup and org.two.Dup\n");
      assertThat(cli.out).isEmpty();
    }
  }

  @Test
  void duplicateOfABuiltInNameIsAnError() throws Exception {
    Path a = PluginJars.build(tmp.resolve("a"), "org.x.Shadow",
        PluginJars.workloadSource("org.x", "Shadow", "alloc-stress"));
    try (URLClassLoader loader = PluginJars.loader(List.of(a))) {
      assertThatThrownBy(() -> PluginRegistry.discover(loader))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("duplicate workload plugin name 'alloc-stress'")
          .hasMessageContaining("org.x.Shadow");
    }
  }

  @Test
  void aCorruptPluginJarIsAOneLineErrorNamingIt() throws Exception {
    Path good = PluginJars.build(tmp.resolve("a"), "org.example.TinyWorkload",
        PluginJars.workloadSource("org.example", "TinyWorkload", "tiny"));
    // a truncated copy, as an interrupted download or build leaves it: the JDK's class path skips it silently
    byte[] bytes = java.nio.file.Files.readAllBytes(good);
    Path broken = java.nio.file.Files.write(tmp.resolve("broken.jar"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    try (URLClassLoader loader = PluginJars.loader(List.of(broken))) {
      Cli cli = Cli.run(loader, "plugins");
      assertThat(cli.code).isEqualTo(2);
      assertThat(cli.out).isEmpty();
      assertThat(cli.err).startsWith("asi-sim: plugin jar " + broken + " cannot be read as a jar (")
          .endsWith("); remove or rebuild it (plugins/ or ASI_SIM_CLASSPATH)\n");
      assertThat(cli.err.strip()).doesNotContain("\n");
    }
    Path missing = tmp.resolve("typo.jar");
    try (URLClassLoader loader = PluginJars.loader(List.of(missing))) {
      Cli cli = Cli.run(loader, "run", "--workload", "tiny");
      assertThat(cli.code).isEqualTo(2);
      assertThat(cli.err).isEqualTo("asi-sim: plugin jar " + missing
          + " does not exist (check plugins/ and ASI_SIM_CLASSPATH)\n");
    }
  }
}
