package io.asisim.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** asi-bom lists every published reactor module, at the reactor's version, and nothing else. */
class BomTest {
  /** Reactor modules that are not published: the JMH benchmarks and the BOM itself. */
  private static final List<String> UNPUBLISHED = List.of("asi-bench", "asi-bom");

  @Test
  void theBomListsEveryPublishedModuleAtTheProjectVersion() throws Exception {
    Path root = StagedRepository.reactorRoot();
    String parent = Files.readString(root.resolve("pom.xml"));
    List<String> published = new ArrayList<>(all(parent, "<module>([^<]+)</module>"));
    published.removeAll(UNPUBLISHED);
    String bom = Files.readString(root.resolve("asi-bom/pom.xml"));
    String projectVersion = first(parent, "<artifactId>asi-sim-parent</artifactId>\\s*<version>([^<]+)</version>");
    assertThat(first(bom, "<artifactId>asi-bom</artifactId>\\s*<version>([^<]+)</version>"))
        .as("asi-bom has no parent: its version is kept equal to the reactor's by hand").isEqualTo(projectVersion);
    assertThat(all(bom, "<groupId>io.asisim</groupId><artifactId>([^<]+)</artifactId><version>\\$\\{project.version}</version>"))
        .as("asi-bom/pom.xml dependencyManagement").containsExactlyInAnyOrderElementsOf(published);
  }

  private static List<String> all(String text, String regex) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String first(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex).isTrue();
    return m.group(1);
  }
}
