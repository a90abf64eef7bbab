package io.asisim.cli;

import io.asisim.sim.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --out} folder of {@code compare}. {@link #open} runs before any simulation: the folder
 * must be creatable and writable, and empty unless {@code --force}. Which files belong to asi-sim is
 * recorded in {@value #MANIFEST} (one file name a line); with {@code --force}, files listed there
 * that this run does not write are removed, and nothing else ever is (a file of the same name as
 * one this run writes is replaced). Each file is written under a temporary name and renamed, so a
 * failure leaves every file finished so far complete and no half-written one.
 */
final class OutputDir {
  /** The list of the files asi-sim wrote into the folder. */
  static final String MANIFEST = ".asi-sim-files";

  private final Path dir;
  private final Set<String> earlier;

  private OutputDir(Path dir, Set<String> earlier) {
    this.dir = dir;
    this.earlier = earlier;
  }

  /** Checks (and creates) {@code dir}; a problem is bad input, reported before any work. */
  static OutputDir open(Path dir, boolean force) {
    String where = "--out " + dir;
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new BadInputException(where + ": exists and is not a directory");
    }
    Path missing = dir.toAbsolutePath().normalize();
    while (missing.getParent() != null && !Files.exists(missing.getParent())) {
      missing = missing.getParent(); // the outermost directory this check creates
    }
    boolean created = !Files.exists(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BadInputException(where + ": cannot create the directory (" + reason(e) + ")");
    }
    try {
      // a real write: permission bits alone do not tell (read-only mounts, root, ACLs)
      Files.delete(Files.createTempFile(dir, ".asi-sim-probe-", ".tmp"));
    } catch (IOException e) {
      throw new BadInputException(where + ": directory is not writable (" + reason(e) + ")");
    } finally {
      if (created) {
        removeCreated(dir.toAbsolutePath().normalize(), missing); // a run that fails later leaves no folder
      }
    }
    if (created) {
      return new OutputDir(dir, Set.of());
    }
    int entries = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path ignored : ds) {
        entries++;
      }
    } catch (IOException e) {
      throw new BadInputException(where + ": cannot list the directory (" + reason(e) + ")");
    }
    if (entries > 0 && !force) {
      throw new BadInputException(where + ": directory is not empty (" + entries + " entries); give --force to "
          + "replace an earlier asi-sim output there (only files asi-sim wrote are removed)");
    }
    return new OutputDir(dir, readManifest(dir));
  }

  private static void removeCreated(Path dir, Path outermost) {
    try {
      for (Path p = dir; p != null && p.startsWith(outermost); p = p.getParent()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // an empty directory left behind is harmless; the write creates it anyway
    }
  }

  /**
   * Writes {@code files} (name to content) in order, then removes the earlier run's files that this
   * run did not write. Returns the names written.
   */
  List<String> write(Map<String, byte[]> files) {
    try {
      Files.createDirectories(dir);
      Set<String> all = new LinkedHashSet<>(earlier);
      all.addAll(files.keySet());
      // listed before they exist: a run that dies half-way still owns what it wrote
      writeAtomically(MANIFEST, manifest(all));
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        writeAtomically(e.getKey(), e.getValue());
      }
      for (String stale : earlier) {
        if (!files.containsKey(stale)) {
          Files.deleteIfExists(dir.resolve(stale));
        }
      }
      writeAtomically(MANIFEST, manifest(files.keySet()));
      return new ArrayList<>(files.keySet());
    } catch (IOException e) {
      throw new BadInputException("--out " + dir + ": cannot write (" + reason(e) + ")");
    }
  }

  private void writeAtomically(String name, byte[] content) throws IOException {
    writeAtomically(dir.resolve(name), content, false);
  }

  /**
   * Writes {@code content} to {@code target} whole or not at all: to {@code .NAME.tmp} beside it
   * (forced to disk first when {@code force}), then renamed over it, atomically where the file
   * system can. A crash leaves the old file or the new one, and at worst the temporary file.
   */
  static void writeAtomically(Path target, byte[] content, boolean force) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.write(tmp, content);
    try {
      if (force) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
            java.nio.file.StandardOpenOption.WRITE)) {
          ch.force(true);
        }
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static byte[] manifest(Set<String> names) {
    return (String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The earlier run's files: plain names of regular files in the folder, never a path elsewhere. */
  private static Set<String> readManifest(Path dir) {
    Set<String> out = new LinkedHashSet<>();
    Path m = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(m)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
        String n = line.strip();
        if (isPlainName(n) && Files.isRegularFile(dir.resolve(n))) {
          out.add(n);
        }
      }
    } catch (IOException e) {
      throw new BadInputException("--out " + dir + ": cannot read " + MANIFEST + " (" + reason(e) + ")");
    }
    return out;
  }

  /** A name asi-sim could have written: no separator, not hidden, not {@code ..}. */
  static boolean isPlainName(String n) {
    return !n.isEmpty() && !n.startsWith(".") && n.indexOf('/') < 0 && n.indexOf('\\') < 0;
  }

  /** The cause without the exception class or our temporary file names. */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return e.getMessage() + " is not a directory";
    }
    if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      return ((FileSystemException) e).getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  static Map<String, byte[]> utf8(Map<String, String> texts) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    texts.forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return out;
  }
}
