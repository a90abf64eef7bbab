package io.asisim.sim.trace;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tukaani.xz.XZInputStream;

/**
 * Decodes an xz file with the system's {@code xz(1)} in a child process, as GNU tar's {@code -J}
 * does: liblzma decodes a trace in about a third of the time the Java decoder needs in a fresh JVM
 * (where it runs interpreted and C1-compiled for most of the file), on a core of its own, while
 * this process parses what arrives on the pipe (docs/performance.md, "Trace input"). The bytes are
 * the same as {@link XZInputStream}'s (both check the stream's integrity check; the child gets
 * neither {@code XZ_OPT} nor {@code XZ_DEFAULTS}, which could change what it decodes), so every
 * result is.
 *
 * <p>When {@code xz} fails (a corrupt or cut-off file, or a tool that is not XZ Utils' or was
 * killed), the Java decoder takes over: it reads the file from the start, and either throws its own
 * exception (the file is bad: the message is the Java decoder's, at the line where the child's
 * output ended, which may differ from the line the Java decoder alone would fail at by the
 * decoders' output buffering) or, when it decodes the file, goes on after the bytes the child
 * already delivered (the file is good: nothing is lost or repeated).
 *
 * <p>Used for regular files only (a pipe cannot be opened twice), when an {@code xz} is found and
 * the system property {@value #PROPERTY} is not {@code java}: {@code auto} (the default) looks for
 * {@code xz} on the {@code PATH}, any other value is the path of the executable to use.
 */
final class NativeXz extends InputStream {
  /** {@code auto} (the default: {@code xz} on the PATH), {@code java} (the Java decoder), or an executable's path. */
  static final String PROPERTY = "asisim.xz";

  private final Process process;
  private final InputStream out;
  private final Path file;
  /** Decoded bytes handed out so far: where the Java decoder goes on when the child fails on a good file. */
  private long delivered;
  /** The Java decoder after a failure of the child, or null. */
  private InputStream java;
  /** The decoder's exception, thrown again by every later read, as {@link XZInputStream} does. */
  private IOException failed;

  private NativeXz(Process process, Path file) {
    this.process = process;
    this.out = process.getInputStream();
    this.file = file;
  }

  /** The {@code xz} executable to use for {@code file}, or null (Java decoder asked for, none found, not a regular file). */
  static Path binary(Path file) {
    String choice = System.getProperty(PROPERTY, "auto");
    if ("java".equals(choice) || !Files.isRegularFile(file)) {
      return null;
    }
    if (!"auto".equals(choice)) {
      Path p = Path.of(choice);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path xz = Path.of(dir, "xz");
      if (Files.isRegularFile(xz) && Files.isExecutable(xz)) {
        return xz;
      }
    }
    return null;
  }

  /**
   * Starts {@code xz} decoding {@code file} (already known to start with the xz magic bytes): one
   * thread ({@code -T1}, so the parser keeps the other core), the xz container only, no memory
   * limit, nothing on stderr that anyone reads (a failure is judged by the Java decoder).
   *
   * @throws IOException when the child cannot be started (the caller decodes in Java then)
   */
  static InputStream open(Path xz, Path file) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(List.of(xz.toString(), "--decompress", "--stdout", "--format=xz", "-T1",
        "--memlimit-decompress=0", "--quiet", "--", file.toString()));
    pb.environment().remove("XZ_OPT");
    pb.environment().remove("XZ_DEFAULTS");
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    return new NativeXz(pb.start(), file);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (failed != null) {
      throw failed;
    }
    if (java != null) {
      return fromJava(b, off, len);
    }
    int n = out.read(b, off, len);
    if (n >= 0) {
      delivered += n;
      return n;
    }
    if (exitStatus() == 0) {
      return -1;
    }
    // the child failed: the Java decoder judges the file and, if it is good, goes on
    java = new XZInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    try {
      java.skipNBytes(delivered);
    } catch (IOException e) {
      failed = e;
      throw e;
    }
    return fromJava(b, off, len);
  }

  private int fromJava(byte[] b, int off, int len) throws IOException {
    try {
      return java.read(b, off, len);
    } catch (IOException e) {
      failed = e;
      throw e;
    }
  }

  private int exitStatus() throws IOException {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for xz");
    }
  }

  @Override
  public void close() throws IOException {
    process.destroy(); // a parse that stops early (an error, a maximum of events) stops the child too
    try {
      out.close();
    } finally {
      if (java != null) {
        java.close();
      }
    }
  }
}
