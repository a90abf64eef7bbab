package io.asisim.sim.trace;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads text lines from a byte stream into one reusable buffer: no allocation per line. Bytes are
 * taken as ISO-8859-1 chars (trace text is ASCII; a UTF-8 task name only ever lands in the ignored
 * comm column). A line longer than {@link #MAX_LINE} chars is cut there and flagged
 * {@link #tooLong()}, so binary junk without newlines cannot exhaust memory.
 */
final class LineReader implements Closeable {
  /** Longest line kept; real kmem lines are about 200 chars, GFP strings under 400. */
  static final int MAX_LINE = 8192;

  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private final char[] chars = new char[MAX_LINE];
  private final CharSlice line = new CharSlice(chars);
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
    if (eof) {
      return false;
    }
    int len = 0;
    boolean any = false;
    tooLong = false;
    while (true) {
      if (pos == limit) {
        limit = in.read(buf, 0, buf.length);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          eof = true;
          if (!any) {
            return false;
          }
          break;
        }
      }
      byte b = buf[pos++];
      any = true;
      if (b == '\n') {
        break;
      }
      if (len < MAX_LINE) {
        chars[len++] = (char) (b & 0xff);
      } else {
        tooLong = true;
      }
    }
    if (len > 0 && chars[len - 1] == '\r') {
      len--;
    }
    line.setLength(len);
    lineNumber++;
    return true;
  }

  /** The current line, without its line terminator; valid until the next {@link #next()}. */
  CharSequence line() {
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
