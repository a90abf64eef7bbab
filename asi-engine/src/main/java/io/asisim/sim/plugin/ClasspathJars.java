package io.asisim.sim.plugin;

import io.asisim.sim.BadInputException;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;

/**
 * Checks that every jar a class loader reads classes from can be opened. The JDK's class path
 * skips a jar it cannot open without a word, so a truncated plugin jar in {@code plugins/} or a
 * mistyped {@code ASI_SIM_CLASSPATH} entry would just make its plugins missing; here it is an
 * error naming the jar.
 */
final class ClasspathJars {
  /** Jars already opened once, by path, size and modification time: discovery runs per command. */
  private static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();

  private ClasspathJars() {}

  /**
   * @throws BadInputException naming the first jar of {@code loader}'s class path (its URLs, up the
   *     parent chain, and {@code java.class.path} for the system loader) that cannot be opened
   */
  static void requireReadable(ClassLoader loader) {
    for (Path jar : jars(loader)) {
      check(jar);
    }
  }

  private static List<Path> jars(ClassLoader loader) {
    List<Path> out = new ArrayList<>();
    ClassLoader system = ClassLoader.getSystemClassLoader();
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      if (l instanceof URLClassLoader u) {
        for (URL url : u.getURLs()) {
          if (url.getProtocol().equals("file")) {
            try {
              out.add(Path.of(url.toURI()));
            } catch (URISyntaxException | IllegalArgumentException e) {
              throw new BadInputException("plugin class path entry '" + url + "' is not a file path");
            }
          }
        }
      }
      if (l == system) {
        // the launcher expands plugins/* itself; java.class.path holds the jars it found
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
          if (!e.isEmpty()) {
            out.add(Path.of(e));
          }
        }
      }
    }
    out.removeIf(p -> !p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jar"));
    return out;
  }

  private static void check(Path jar) {
    String key;
    try {
      key = jar.toAbsolutePath() + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis();
    } catch (NoSuchFileException e) {
      throw new BadInputException("plugin jar " + jar + " does not exist (check plugins/ and ASI_SIM_CLASSPATH)");
    } catch (IOException e) {
      throw unreadable(jar, e);
    }
    if (CHECKED.contains(key)) {
      return;
    }
    try (JarFile f = new JarFile(jar.toFile())) {
      f.getManifest(); // opening reads the central directory: a truncated or non-zip file fails here
    } catch (IOException | SecurityException e) {
      throw unreadable(jar, e);
    }
    CHECKED.add(key);
  }

  private static BadInputException unreadable(Path jar, Exception e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new BadInputException("plugin jar " + jar + " cannot be read as a jar (" + why
        + "); remove or rebuild it (plugins/ or ASI_SIM_CLASSPATH)");
  }
}
