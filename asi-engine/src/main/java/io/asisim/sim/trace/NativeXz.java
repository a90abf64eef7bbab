package io.asisim.sim.trace;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tukaani.xz.XZInputStream;

/**
 * Decodes an xz file with the system's {@code xz(1)} in a child process, as GNU tar's {@code -J}
 * does: liblzma decodes a trace in about a third of the time the Java decoder needs in a fresh JVM
 * (where it runs interpreted and C1-compiled for most of the file), on a core of its own, while
 * this process parses what arrives on the pipe (docs/performance.md, "Trace input"). The bytes are
 * the same as {@link XZInputStream}'s (both check the stream's integrity check), so every result is.
 *
 * <p>When {@code xz} fails (a corrupt or cut-off file), the Java decoder reads the file once more
 * to get its exception, which this stream then throws where the child's output ended: the messages
 * of a bad file are those of the Java decoder whichever decoded it (only if the Java decoder
 * accepts what {@code xz} refused is the child's own message given).
 *
 * <p>Used when {@code xz} is on the {@code PATH} and the system property {@value #PROPERTY} is not
 * {@code java}; otherwise {@link TraceInput} decodes with {@link XZInputStream}.
 */
final class NativeXz extends InputStream {
  /** {@code auto} (the default: {@code xz} when found) or {@code java} (always the Java decoder). */
  static final String PROPERTY = "asisim.xz";

  private final Process process;
  private final InputStream out;
  private final Path file;
  private boolean done;

  private NativeXz(Process process, Path file) {
    this.process = process;
    this.out = process.getInputStream();
    this.file = file;
  }

  /** The {@code xz} executable to use, or null (not found, or the Java decoder asked for). */
  static Path binary() {
    if ("java".equals(System.getProperty(PROPERTY, "auto"))) {
      return null;
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
   * thread ({@code -T1}, so the parser keeps the other core), the xz container only, no memory limit.
   */
  static InputStream open(Path xz, Path file) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(List.of(xz.toString(), "--decompress", "--stdout", "--format=xz", "-T1",
        "--memlimit-decompress=0", "--quiet", "--", file.toString()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectError(ProcessBuilder.Redirect.PIPE);
    return new NativeXz(pb.start(), file);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (done) {
      return -1;
    }
    int n = out.read(b, off, len);
    if (n < 0) {
      done = true;
      finish();
    }
    return n;
  }

  /** At the end of the child's output: its exit status decides between the end and an error. */
  private void finish() throws IOException {
    int status;
    try {
      status = process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for xz");
    }
    if (status == 0) {
      return;
    }
    String message = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    IOException java = javaFailure(file);
    if (java != null) {
      throw java;
    }
    // the Java decoder accepts the file: say what xz said (its own prefix "xz: FILE: " dropped)
    int cut = message.lastIndexOf(": ");
    throw new IOException("xz exited with status " + status + (message.isEmpty() ? "" : ": "
        + message.substring(cut + 2).replace('\n', ' ')));
  }

  /** The exception the Java decoder throws over all of {@code file}, or null when it decodes it. */
  static IOException javaFailure(Path file) {
    byte[] sink = new byte[1 << 16];
    try (InputStream in = new XZInputStream(new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      while (in.read(sink) >= 0) {
        // only the outcome matters
      }
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  @Override
  public void close() throws IOException {
    done = true;
    process.destroy(); // a parse that stops early (an error, a maximum of events) stops the child too
    try {
      out.close();
    } finally {
      process.getErrorStream().close();
    }
  }
}
