package io.asisim.sim.trace;

import io.asisim.sim.BadInputException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Opens a trace file as a stream of text, decompressing {@code .gz} and {@code .xz} transparently.
 * The compression is decided by the file's magic bytes, not its name, so a renamed file still
 * works. Binary formats that need a tool first ({@code perf.data}, {@code trace.dat}) and
 * compressions we do not read are rejected with a one-line {@link BadInputException} saying what to
 * do instead.
 */
final class TraceInput {
  private TraceInput() {}

  /** What compression a file uses. */
  enum Compression {
    NONE("plain text"),
    GZIP("gzip"),
    XZ("xz");

    final String label;

    Compression(String label) {
      this.label = label;
    }
  }

  /** An open trace: the text stream and how it was compressed. */
  record Opened(InputStream text, Compression compression) {
    /** Whether another process decodes it ({@link NativeXz}): then no decoding thread of ours is needed. */
    boolean decodedElsewhere() {
      return text instanceof NativeXz;
    }
  }

  private static final String VALID =
      "valid: text from 'perf script' or 'trace-cmd report', plain, .gz or .xz";

  /**
   * What went wrong decoding a {@code compression} stream, for a one-line message: an
   * {@link EOFException} means the data ended before the stream did (a cut-off file, or a damaged
   * length field), anything else a corrupt stream. The decoder's own detail follows, or a plain
   * description when it gives none (xz's end-of-input exception has no message). No Java class
   * names: the CLI's one-line errors never show them. E.g.
   * {@code truncated or corrupt xz stream: unexpected end of data}.
   */
  static String streamError(String compression, IOException e) {
    boolean eof = e instanceof EOFException;
    String detail = e.getMessage();
    if (detail == null || detail.isBlank()) {
      detail = eof ? "unexpected end of data" : "undecodable data";
    }
    return (eof ? "truncated or corrupt " : "corrupt ") + compression + " stream: " + detail.strip().replace('\n', ' ');
  }

  /** {@link #open(Path, boolean)} with the Java decoders (a look at the first lines). */
  static Opened open(Path file) {
    return open(file, false);
  }

  /**
   * Opens {@code file}; with {@code nativeXz}, an xz file (a regular one) is decoded by the
   * system's {@code xz} when there is one and it starts ({@link NativeXz}), after the Java decoder
   * has checked its stream header (so a bad header gets the same message either way).
   *
   * @throws BadInputException when it is missing, unreadable, a directory, a binary trace or a
   *     corrupt or unsupported compressed stream
   */
  static Opened open(Path file, boolean nativeXz) {
    if (Files.isDirectory(file)) {
      throw new BadInputException(file + ": is a directory (" + VALID + ")");
    }
    InputStream raw;
    try {
      raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file (" + VALID + ")");
    } catch (AccessDeniedException e) {
      throw new BadInputException(file + ": cannot read: permission denied");
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage());
    }
    Compression c = Compression.NONE;
    try {
      byte[] magic = new byte[16];
      raw.mark(magic.length);
      int n = raw.readNBytes(magic, 0, magic.length);
      raw.reset();
      c = sniff(file, magic, n);
      switch (c) {
        case GZIP:
          return new Opened(new GZIPInputStream(raw, 1 << 16), c);
        case XZ:
          InputStream xz = new XZInputStream(raw); // reads and checks the stream header
          Path binary = nativeXz ? NativeXz.binary(file) : null;
          if (binary == null) {
            return new Opened(xz, c);
          }
          try {
            InputStream child = NativeXz.open(binary, file);
            xz.close();
            return new Opened(child, c);
          } catch (IOException e) {
            return new Opened(xz, c); // xz could not be started (EACCES, EAGAIN): decode here
          }
        default:
          return new Opened(raw, c);
      }
    } catch (IOException e) {
      closeQuietly(raw);
      if (c == Compression.NONE) {
        throw new BadInputException(file + ": cannot read: " + e.getMessage());
      }
      // the stream header itself (read by the decompressor's constructor) is bad
      throw new BadInputException(file + ": " + streamError(c.label, e) + " (" + VALID + ")");
    } catch (RuntimeException e) {
      closeQuietly(raw);
      throw e;
    }
  }

  private static Compression sniff(Path file, byte[] m, int n) {
    if (n >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) {
      return Compression.GZIP;
    }
    if (n >= 6 && (m[0] & 0xff) == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z' && m[5] == 0) {
      return Compression.XZ;
    }
    if (n >= 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f && (m[3] & 0xff) == 0xfd) {
      throw new BadInputException(file + ": zstd-compressed traces are not supported; decompress it or recompress "
          + "with xz or gzip (" + VALID + ")");
    }
    if (n >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') {
      throw new BadInputException(file + ": bzip2-compressed traces are not supported; recompress with xz or gzip ("
          + VALID + ")");
    }
    if (n >= 8 && startsWith(m, "PERFILE")) {
      throw new BadInputException(file + ": is a binary perf.data file; convert it with 'perf script -i "
          + file.getFileName() + " > trace.txt' (" + VALID + ")");
    }
    if (n >= 10 && m[0] == 0x17 && m[1] == 0x08 && m[2] == 0x44 && startsWith(m, 3, "tracing")) {
      throw new BadInputException(file + ": is a binary trace-cmd trace.dat file; convert it with 'trace-cmd report -i "
          + file.getFileName() + " > trace.txt' (" + VALID + ")");
    }
    return Compression.NONE;
  }

  private static boolean startsWith(byte[] m, String s) {
    return startsWith(m, 0, s);
  }

  private static boolean startsWith(byte[] m, int at, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (m[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // nothing more to report than the original error
    }
  }
}
