package io.asisim.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A Maven local repository staged with this build's own asi-sim artifacts, so that a nested Maven
 * build (the sample plugin) compiles against exactly the code under test without a
 * {@code mvn install} into the shared {@code ~/.m2}. Each module is taken from the test class path
 * (its {@code target/classes} directory is packed into a jar, or its jar copied) together with its
 * {@code pom.xml}, which is what {@code install} would have put there; the parent pom comes from
 * the reactor root. Third-party artifacts come from the user's local repository through a
 * {@code file://} mirror in a generated settings file, so the nested build never touches the
 * network.
 */
final class StagedRepository {
  static final String VERSION = "0.1.0-SNAPSHOT";

  final Path repo;
  final Path settings;

  private StagedRepository(Path repo, Path settings) {
    this.repo = repo;
    this.settings = settings;
  }

  /** The reactor root: the nearest ancestor of the working directory with the asi-sim parent pom. */
  static Path reactorRoot() throws IOException {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path pom = p.resolve("pom.xml");
      if (Files.isRegularFile(pom) && Files.readString(pom).contains("<artifactId>asi-sim-parent</artifactId>")
          && Files.isDirectory(p.resolve("asi-api"))) {
        return p;
      }
    }
    throw new IllegalStateException("no asi-sim reactor root above " + Path.of("").toAbsolutePath());
  }

  /** The user's local repository: {@code -Dmaven.repo.local} if the test JVM has it, else {@code ~/.m2/repository}. */
  static Path userRepository() {
    String p = System.getProperty("maven.repo.local");
    return p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  /**
   * Stages {@code modules} (artifact ids, each on the test class path) and the parent pom in
   * {@code dir/repo}; {@code dir/repo} is kept between runs so third-party artifacts are copied once.
   */
  static StagedRepository stage(Path dir, List<String> modules) throws IOException {
    Path root = reactorRoot();
    Path repo = dir.resolve("repo");
    install(repo, "asi-sim-parent", null, root.resolve("pom.xml"));
    for (String m : modules) {
      Path entry = classPathEntry(m);
      Path module = entry.getParent().getParent(); // .../asi-x/target/{classes|asi-x.jar}
      install(repo, m, entry, module.resolve("pom.xml"));
    }
    Path settings = dir.resolve("settings.xml");
    Files.writeString(settings, "<settings>\n  <mirrors>\n    <mirror>\n      <id>user-local-repository</id>\n"
        + "      <mirrorOf>*</mirrorOf>\n      <url>" + userRepository().toUri() + "</url>\n    </mirror>\n"
        + "  </mirrors>\n</settings>\n", StandardCharsets.UTF_8);
    return new StagedRepository(repo, settings);
  }

  /** The test class path entry of module {@code artifactId}: {@code .../artifactId/target/classes} or its jar. */
  static Path classPathEntry(String artifactId) {
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(e).toAbsolutePath().normalize();
      boolean classes = p.endsWith(Path.of(artifactId, "target", "classes"));
      boolean jar = p.getFileName().toString().equals(artifactId + "-" + VERSION + ".jar")
          && p.getParent().getFileName().toString().equals("target");
      if (classes || jar) {
        return p;
      }
    }
    throw new IllegalStateException(artifactId + " is not on the test class path as a reactor module");
  }

  /** Stages a pom-only module (the BOM) from its {@code pom.xml}. */
  void stagePom(String artifactId, Path pom) throws IOException {
    install(repo, artifactId, null, pom);
  }

  /**
   * Builds the Maven project at {@code project} offline against this staged repository, output in
   * {@code log}; returns the exit code.
   */
  int build(Path project, Path log, String... goals) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(mvn(), "-B", "-q", "-o", "-Daether.offline.protocols=file",
        "-s", settings.toString(), "-Dmaven.repo.local=" + repo, "-f", project.resolve("pom.xml").toString()));
    cmd.addAll(List.of(goals));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("nested build of " + project + " did not finish in 5 minutes");
    }
    return p.exitValue();
  }

  /** The Maven launcher: {@code $MAVEN_HOME/bin/mvn}, else {@code mvn} on the PATH. */
  static String mvn() throws IOException {
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
    throw new IOException("mvn not found on PATH or in MAVEN_HOME: the sample project builds need Maven");
  }

  private static void install(Path repo, String artifactId, Path entry, Path pom) throws IOException {
    Path dir = repo.resolve(Path.of("io", "asisim", artifactId, VERSION));
    Files.createDirectories(dir);
    Files.copy(pom, dir.resolve(artifactId + "-" + VERSION + ".pom"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    if (entry == null) {
      return;
    }
    Path jar = dir.resolve(artifactId + "-" + VERSION + ".jar");
    if (Files.isRegularFile(entry)) {
      Files.copy(entry, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } else {
      pack(entry, jar);
    }
  }

  /** Packs a classes directory into a jar, entries in name order. */
  static void pack(Path classes, Path jar) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(classes)) {
      walk.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).forEach(files::add);
    }
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (Path f : files) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        OutputStream o = out;
        Files.copy(f, o);
        out.closeEntry();
      }
    }
  }

  /** Copies directory {@code from} (recursively) to {@code to}, replacing what is there. */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path rel = from.relativize(p);
        if (rel.startsWith("target")) {
          continue;
        }
        Path t = to.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
