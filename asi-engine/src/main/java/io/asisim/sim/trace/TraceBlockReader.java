package io.asisim.sim.trace;

import java.io.IOException;
import java.io.InputStream;

/**
 * Cuts a trace's text into {@link TraceBlock}s of whole lines, reading the stream as
 * {@link LineReader} does ({@value LineReader#READ} bytes asked per read, always), so a
 * decompressor sees the same calls and a corrupt stream fails after the same bytes. A block ends at
 * its last newline; the partial line after it starts the next block. A line longer than
 * {@link LineReader#MAX_LINE} is kept to {@code MAX_LINE + 1} bytes (enough for the block's parse
 * to see it is too long, and to cut it where {@code LineReader} does) and the rest of it is read
 * and dropped. When the stream fails, the block holds the whole lines read before (not the line
 * being read) and {@link TraceBlock#failure} the exception. One thread only.
 */
final class TraceBlockReader {
  /** Bytes of text per block, by default. */
  static final int CAPACITY = 16 * LineReader.READ;
  /** The start kept of a line too long to keep whole. */
  private static final int KEPT = LineReader.MAX_LINE + 1;

  private final InputStream in;
  private final int capacity;
  /** The partial line after the last block's final newline. */
  private final byte[] carry;
  private int carried;
  /** Whether {@link #carry} is the kept start of a long line whose rest is being dropped. */
  private boolean dropping;
  private boolean done;

  TraceBlockReader(InputStream in) {
    this(in, CAPACITY);
  }

  /** {@code capacity}: bytes per block, at least {@code MAX_LINE + 2 + 2 * READ}. */
  TraceBlockReader(InputStream in, int capacity) {
    if (capacity < KEPT + 1 + 2 * LineReader.READ) {
      throw new IllegalArgumentException("block capacity " + capacity + " < " + (KEPT + 1 + 2 * LineReader.READ));
    }
    this.in = in;
    this.capacity = capacity;
    this.carry = new byte[capacity];
  }

  /**
   * Fills {@code b} (reset here) with the next lines; false when the text has ended (or failed)
   * before a byte or a failure was left to report.
   */
  boolean next(TraceBlock b) {
    if (done) {
      return false;
    }
    b.reset();
    byte[] buf = b.bytes;
    System.arraycopy(carry, 0, buf, 0, carried);
    int limit = carried;
    carried = 0;
    while (limit + LineReader.READ <= capacity) {
      int n;
      try {
        n = in.read(buf, limit, LineReader.READ);
      } catch (IOException | RuntimeException | Error e) {
        // the line being read is lost with the stream, as LineReader loses it (a long line's kept
        // start has no newline)
        b.length = lastNewline(buf, limit) + 1;
        b.failure = e;
        done = true;
        return true;
      }
      if (n <= 0) {
        done = true;
        b.length = limit; // a last line without its newline is a line too
        return limit > 0;
      }
      if (dropping) {
        int nl = Chars.indexOf(buf, limit, limit + n, (byte) '\n');
        if (nl < 0) {
          continue; // all of it part of the long line
        }
        dropping = false;
        buf[limit] = '\n';
        int rest = limit + n - (nl + 1);
        System.arraycopy(buf, nl + 1, buf, limit + 1, rest);
        limit += 1 + rest;
        continue;
      }
      limit += n;
    }
    int cut = lastNewline(buf, limit) + 1;
    int tail = limit - cut;
    if (tail > LineReader.MAX_LINE) {
      System.arraycopy(buf, cut, carry, 0, KEPT);
      carried = KEPT;
      dropping = true;
    } else {
      System.arraycopy(buf, cut, carry, 0, tail);
      carried = tail;
    }
    b.length = cut;
    return true;
  }

  private static int lastNewline(byte[] b, int limit) {
    for (int i = limit - 1; i >= 0; i--) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
