package io.asisim.sim.trace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Index-based scanning of a line held as bytes (ISO-8859-1 chars), allocating nothing: the lexical
 * layer under {@link KmemLineParser} and {@link KmemFields} (whitespace-separated tokens, ASCII
 * digits, exact region matches). A byte is "space" when it is at most {@code ' '} as an unsigned
 * value, as a char would be.
 *
 * <p>The scans that run over most bytes of a trace (newline, token end, space run, one byte) test
 * eight bytes at a time in a {@code long} ("SWAR"): a byte matching sets its high bit in a mask,
 * and the lowest set bit names the first match (little-endian loads, so the lowest address). A
 * borrow or carry can only mark bytes <em>after</em> a true match, so the first one found is exact.
 */
final class Chars {
  private Chars() {}

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private static long word(byte[] s, int i) {
    return (long) LONGS.get(s, i);
  }

  /** Index of the first {@code c} in {@code s[from, to)}, or -1. */
  static int indexOf(byte[] s, int from, int to, byte c) {
    int i = from;
    long pattern = (c & 0xffL) * ONES;
    // sixteen bytes a step while they last: one taken branch per 16 bytes instead of per 8 (a kmem
    // line is about 126 bytes, and the loop's exit is the branch that mispredicts)
    for (; i + 16 <= to; i += 16) {
      long x = word(s, i) ^ pattern;
      long y = word(s, i + 8) ^ pattern;
      long t = (x - ONES) & ~x & HIGHS; // a zero byte (= c) sets its high bit
      long u = (y - ONES) & ~y & HIGHS;
      if ((t | u) != 0) {
        return t != 0 ? i + (Long.numberOfTrailingZeros(t) >>> 3) : i + 8 + (Long.numberOfTrailingZeros(u) >>> 3);
      }
    }
    for (; i + 8 <= to; i += 8) {
      long x = word(s, i) ^ pattern;
      long t = (x - ONES) & ~x & HIGHS;
      if (t != 0) {
        return i + (Long.numberOfTrailingZeros(t) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (s[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** The ASCII bytes of a literal (every needle of the parsers is ASCII). */
  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static int indexOf(byte[] s, int from, int end, byte[] needle) {
    for (int i = from; i + needle.length <= end; i++) {
      if (regionEquals(s, i, i + needle.length, needle)) {
        return i;
      }
    }
    return -1;
  }

  static boolean isSpace(byte b) {
    return (b & 0xff) <= ' ';
  }

  /** The first index at or after {@code i} (before {@code end}) of a non-space byte, else {@code end}. */
  static int skipSpace(byte[] s, int i, int end) {
    if (i < end && (s[i] & 0xff) > ' ') {
      return i; // the common case: a single separating space already skipped
    }
    for (; i + 8 <= end; i += 8) {
      long x = word(s, i);
      // high bit of a byte >= 0x21: set already (>= 0x80), or set by adding 0x5f to its low 7 bits
      long t = (((x & ~HIGHS) + 0x5f5f5f5f5f5f5f5fL) | x) & HIGHS;
      if (t != 0) {
        return i + (Long.numberOfTrailingZeros(t) >>> 3);
      }
    }
    while (i < end && (s[i] & 0xff) <= ' ') {
      i++;
    }
    return i;
  }

  /** The first index at or after {@code i} (before {@code end}) of a space byte, else {@code end}. */
  static int tokenEnd(byte[] s, int i, int end) {
    for (; i + 8 <= end; i += 8) {
      long x = word(s, i);
      // a byte < 0x21 with its high bit clear borrows into its high bit; ~x drops bytes >= 0x80
      long t = (x - 0x2121212121212121L) & ~x & HIGHS;
      if (t != 0) {
        return i + (Long.numberOfTrailingZeros(t) >>> 3);
      }
    }
    while (i < end && (s[i] & 0xff) > ' ') {
      i++;
    }
    return i;
  }

  static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  static boolean startsWith(byte[] s, int a, int end, byte[] prefix) {
    return end - a >= prefix.length && regionEquals(s, a, a + prefix.length, prefix);
  }

  static boolean endsWith(byte[] s, int a, int end, byte[] suffix) {
    return end - a >= suffix.length && regionEquals(s, end - suffix.length, end, suffix);
  }

  /**
   * Whether {@code s[a, b)} equals {@code t}: eight bytes at a time, the last word overlapping the
   * one before it (every needle of the parsers is 4 to 35 bytes; the event names 12 to 34).
   */
  static boolean regionEquals(byte[] s, int a, int b, byte[] t) {
    int n = t.length;
    if (b - a != n) {
      return false;
    }
    if (n >= 8) {
      for (int i = 0; i + 8 < n; i += 8) {
        if (word(s, a + i) != word(t, i)) {
          return false;
        }
      }
      return word(s, a + n - 8) == word(t, n - 8);
    }
    for (int i = 0; i < n; i++) {
      if (s[a + i] != t[i]) {
        return false;
      }
    }
    return true;
  }
}
