package io.asisim.sim.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API is documented in full: javac's doclint with every group, "missing" included (the
 * build's Javadoc leaves that group out for the rest of the code), finds nothing in
 * {@code io.asisim.sim.api} and the result types it returns.
 */
class ApiJavadocTest {
  @Test
  void everyPublicTypeAndMemberOfTheApiHasJavadoc(@TempDir Path out) throws Exception {
    Path src = Path.of("src/main/java/io/asisim/sim");
    List<String> args = new ArrayList<>(List.of("-Xdoclint:all/protected", "-Werror", "-proc:none", "-implicit:none",
        "-d", out.toString(), "-cp", System.getProperty("java.class.path")));
    List<Path> sources = new ArrayList<>();
    try (Stream<Path> files = Files.list(src.resolve("api"))) {
      files.sorted().forEach(sources::add);
    }
    sources.add(src.resolve("run/RunResult.java"));
    sources.add(src.resolve("run/UnknownMetricException.java"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean ok;
    try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      ok = javac.getTask(diagnostics, fm, null, args, null, fm.getJavaFileObjectsFromPaths(sources)).call();
    }
    assertThat(diagnostics.toString()).as("doclint").isEmpty();
    assertThat(ok).isTrue();
  }
}
