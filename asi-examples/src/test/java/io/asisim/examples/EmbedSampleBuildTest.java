package io.asisim.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The embedder's path, end to end: builds {@code asi-examples/embed-sample} (a standalone Maven
 * project that imports {@code asi-bom} and depends on the engine) offline against this build's
 * artifacts ({@link StagedRepository}); its own test runs a comparison through the Java API and
 * asserts on the typed results.
 */
class EmbedSampleBuildTest {
  /** What the engine needs at run time: its SPI and the built-in plugins. */
  private static final List<String> MODULES =
      List.of("asi-api", "asi-x86", "asi-pagealloc", "asi-ephmap", "asi-policies", "asi-engine");

  @Test
  void embedSampleImportsTheBomAndPassesItsTypedResultTest() throws Exception {
    Path root = StagedRepository.reactorRoot();
    Path work = root.resolve("asi-examples/target/embed-sample-it");
    StagedRepository staged = StagedRepository.stage(work, MODULES);
    staged.stagePom("asi-bom", root.resolve("asi-bom/pom.xml"));
    Path project = work.resolve("project");
    StagedRepository.copyTree(root.resolve("asi-examples/embed-sample"), project);
    Path log = work.resolve("build.log");
    int code = staged.build(project, log, "clean", "package");
    assertThat(code).as("mvn package of the embed sample:\n" + Files.readString(log)).isZero();
    assertThat(project.resolve("target/asi-embed-example-1.0.0.jar")).isRegularFile();
    Path report = project.resolve("target/surefire-reports/TEST-org.example.embed.FlushComparisonTest.xml");
    assertThat(report).as("the sample's own test ran").isRegularFile();
    assertThat(Files.readString(report)).contains("tests=\"1\"").contains("failures=\"0\"").contains("errors=\"0\"");
  }
}
