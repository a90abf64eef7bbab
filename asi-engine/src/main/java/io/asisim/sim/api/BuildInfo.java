package io.asisim.sim.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What build of asi-sim this is: the project version and the git commit it was built from, both
 * fixed at build time (resource filtering in asi-engine's pom), so every output of one build names
 * the same values. A build made outside a git checkout says {@code unknown}.
 *
 * @param toolVersion the project version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param gitCommit the full commit hash, or {@code unknown}
 */
public record BuildInfo(String toolVersion, String gitCommit) {
  /** What stands for a value the build could not determine. */
  public static final String UNKNOWN = "unknown";

  private static final BuildInfo CURRENT = load();

  /**
   * This build's information.
   *
   * @return the values read once from the engine's {@code build.properties}
   */
  public static BuildInfo current() {
    return CURRENT;
  }

  private static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BuildInfo(value(p, "tool_version"), value(p, "git_commit"));
  }

  /** A property, or {@link #UNKNOWN} when it is missing or was left unfiltered ({@code ${...}}). */
  private static String value(Properties p, String key) {
    String v = p.getProperty(key, "").trim();
    return v.isEmpty() || v.startsWith("${") ? UNKNOWN : v;
  }
}
