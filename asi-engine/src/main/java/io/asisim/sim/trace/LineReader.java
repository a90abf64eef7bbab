package io.asisim.sim.trace;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads text lines from a byte stream and hands each out as a view into its own buffer
 * ({@link ByteLine}): no copy and no allocation per line. Bytes are taken as ISO-8859-1 chars
 * (trace text is ASCII; a UTF-8 task name only ever lands in the ignored comm column). A line
 * longer than {@link #MAX_LINE} chars is cut there and flagged {@link #tooLong()}, so binary junk
 * without newlines cannot exhaust memory.
 *
 * <p>The stream is always read {@value #READ} bytes at a time into the buffer's free end, so a
 * decompressor sees the same calls whatever the lines' lengths, and a corrupt stream fails at the
 * same line.
 */
final class LineReader implements Closeable {
  /** Longest line kept; real kmem lines are about 200 chars, GFP strings under 400. */
  static final int MAX_LINE = 8192;
  /** Bytes asked of the stream per read. */
  static final int READ = 1 << 16;

  private final InputStream in;
  /** Holds the unread tail of the last read (under MAX_LINE + 1 bytes when a read is due) plus one read. */
  private final byte[] buf = new byte[MAX_LINE + 1 + READ];
  private int pos;
  private int limit;
  /** The first MAX_LINE bytes of a line too long to keep in {@link #buf}. */
  private byte[] cut;
  private final ByteLine line = new ByteLine();
  private boolean tooLong;
  private long lineNumber;
  private boolean eof;

  LineReader(InputStream in) {
    this.in = in;
  }

  /**
   * Advances to the next line.
   *
   * @return false at the end of the input
   * @throws IOException when the underlying (possibly decompressing) stream fails
   */
  boolean next() throws IOException {
    tooLong = false;
    int start = pos;
    int scan = pos;
    while (true) {
      int nl = newline(buf, scan, limit);
      if (nl >= 0) {
        pos = nl + 1;
        finish(start, nl);
        return true;
      }
      if (eof) {
        if (start == limit) {
          return false;
        }
        pos = limit;
        finish(start, limit); // a last line without its newline
        return true;
      }
      if (limit - start > MAX_LINE) {
        skipLongLine(start);
        return true;
      }
      // keep the partial line, read on after it
      int kept = limit - start;
      System.arraycopy(buf, start, buf, 0, kept);
      start = 0;
      scan = kept;
      limit = kept;
      pos = 0;
      fill();
    }
  }

  private void fill() throws IOException {
    int n = in.read(buf, limit, READ);
    if (n <= 0) {
      eof = true;
    } else {
      limit += n;
    }
  }

  private static int newline(byte[] b, int from, int to) {
    return Chars.indexOf(b, from, to, (byte) '\n');
  }

  /** The line is {@code buf[start, end)}: cut it at MAX_LINE, drop a CR before the newline. */
  private void finish(int start, int end) {
    int len = end - start;
    if (len > MAX_LINE) {
      tooLong = true;
      len = MAX_LINE;
    }
    if (len > 0 && buf[start + len - 1] == '\r') {
      len--;
    }
    line.set(buf, start, len);
    lineNumber++;
  }

  /** A line longer than MAX_LINE without a newline in the buffer: keep its start, skip to its end. */
  private void skipLongLine(int start) throws IOException {
    if (cut == null) {
      cut = new byte[MAX_LINE];
    }
    System.arraycopy(buf, start, cut, 0, MAX_LINE);
    pos = 0;
    limit = 0;
    while (!eof) {
      fill();
      int nl = newline(buf, 0, limit);
      if (nl >= 0) {
        pos = nl + 1;
        break;
      }
      limit = 0; // all of it part of the long line
    }
    if (eof) {
      pos = limit;
    }
    tooLong = true;
    int len = cut[MAX_LINE - 1] == '\r' ? MAX_LINE - 1 : MAX_LINE;
    line.set(cut, 0, len);
    lineNumber++;
  }

  /** The current line, without its line terminator; valid until the next {@link #next()}. */
  ByteLine line() {
    return line;
  }

  /** 1-based number of the current line. */
  long lineNumber() {
    return lineNumber;
  }

  /** Whether the current line was longer than {@link #MAX_LINE} and was cut. */
  boolean tooLong() {
    return tooLong;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
