package io.asisim.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The tool's version, and the git commit of the checkout the launcher runs from when known. */
final class BuildInfo {
  /** The version {@code --version} prints and reports name. */
  static final String VERSION = "0.1.0";

  private BuildInfo() {}

  /**
   * {@code git rev-parse --short=12 HEAD} in the launcher's directory ({@code asisim.home}), or
   * null when that is not a git checkout or git is not installed: a report says "unknown" then.
   */
  static String gitCommit() {
    String home = System.getProperty("asisim.home");
    if (home == null || !Files.exists(Path.of(home, ".git"))) {
      return null;
    }
    try {
      Process p = new ProcessBuilder("git", "-C", home, "rev-parse", "--short=12", "HEAD")
          .redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroy();
        return null;
      }
      return p.exitValue() == 0 && out.matches("[0-9a-f]{7,40}") ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
