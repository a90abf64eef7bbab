package io.asisim.spark;

import io.asisim.api.plugin.Plugin;
import io.asisim.sim.plugin.PluginRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * The plugins a JVM can run, as text an executor compares with its driver's before it runs anything:
 * one line per plugin — kind, name, implementation class, and the SHA-256 of the jar it was loaded
 * from (or the directory, for classes not in a jar). Two JVMs with the same text run the same
 * code, so a sweep's runs give the same results wherever they execute.
 */
final class PluginSet {
  private PluginSet() {}

  static String of(PluginRegistry registry) {
    List<String> lines = new ArrayList<>();
    for (Plugin<?> p : registry.all()) {
      lines.add(p.kind().id() + " " + p.name() + " " + p.getClass().getName() + " " + origin(p.getClass()));
    }
    Collections.sort(lines);
    return String.join("\n", lines);
  }

  /** The first line where {@code executor} differs from {@code driver}, for a one-line error. */
  static String firstDifference(String driver, String executor) {
    List<String> d = List.of(driver.split("\n"));
    List<String> e = List.of(executor.split("\n"));
    for (String line : d) {
      if (!e.contains(line)) {
        return "the driver's '" + line + "' is " + (e.stream().anyMatch(x -> x.startsWith(prefix(line)))
            ? "another jar here" : "missing here");
      }
    }
    for (String line : e) {
      if (!d.contains(line)) {
        return "'" + line + "' is here but not on the driver";
      }
    }
    return "none";
  }

  private static String prefix(String line) {
    String[] f = line.split(" ");
    return f[0] + " " + f[1] + " ";
  }

  private static String origin(Class<?> c) {
    CodeSource src = c.getProtectionDomain().getCodeSource();
    if (src == null || src.getLocation() == null) {
      return "(no code source)";
    }
    try {
      Path p = Path.of(src.getLocation().toURI());
      if (!Files.isRegularFile(p)) {
        return p.toString();
      }
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(p)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
        }
      }
      return p.getFileName() + "@" + HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (IOException | URISyntaxException | NoSuchAlgorithmException | IllegalArgumentException e) {
      return src.getLocation().toString();
    }
  }
}
