package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rules of the source tree that review alone lets drift (docs/architecture.md): small files, and
 * code and docs that stand alone — no citation of a design file outside the repository and no path
 * of the machine they were written on.
 */
class SourceTreeTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final int MAX_MAIN_LINES = 450;

  @Test
  void noMainSourceFileIsOverTheLimit() throws IOException {
    List<String> big = files(".java").filter(p -> p.toString().contains("/src/main/"))
        .filter(p -> lines(p) > MAX_MAIN_LINES)
        .map(p -> ROOT.relativize(p) + " (" + lines(p) + " lines)").collect(Collectors.toList());
    assertThat(big).as("main source files over " + MAX_MAIN_LINES + " lines: split them").isEmpty();
  }

  @Test
  void codeAndDocsCiteOnlyTheRepository() throws IOException {
    Pattern outside = Pattern.compile("DESI" + "GN(\\.md| §)|/wo" + "rk/|\\.\\./sha" + "red");
    List<String> hits;
    try (Stream<Path> s = Stream.concat(files(".java"), files(".md"))) {
      hits = s.filter(p -> outside.matcher(read(p)).find()).map(p -> ROOT.relativize(p).toString())
          .collect(Collectors.toList());
    }
    assertThat(hits).as("files citing a design file or a path outside the repository").isEmpty();
  }

  private static Stream<Path> files(String suffix) throws IOException {
    return Files.walk(ROOT)
        .filter(p -> p.toString().endsWith(suffix))
        .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/")
            && !p.toString().contains("/calibration/data/"))
        .filter(Files::isRegularFile);
  }

  private static long lines(Path p) {
    return read(p).lines().count();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
