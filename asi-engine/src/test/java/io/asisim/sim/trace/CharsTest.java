package io.asisim.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The word-at-a-time scans of {@link Chars} against a byte-at-a-time reading of the same
 * definition, over every offset and length up to 40 bytes (both sides of each 8- and 16-byte
 * step, and up to the array's end) of random lines drawn from the bytes that matter (spaces, the
 * newline, brackets, digits, high bytes).
 */
class CharsTest {
  private static final byte[] ALPHABET = {' ', '\n', '\t', 0, '[', ']', '0', '9', 'a', 'p', '=', (byte) 0x80,
      (byte) 0xa0, (byte) 0xff, 0x20, 0x21};

  private static int naiveIndexOf(byte[] s, int from, int to, byte c) {
    for (int i = from; i < to; i++) {
      if (s[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static int naiveSkipSpace(byte[] s, int i, int end) {
    while (i < end && (s[i] & 0xff) <= ' ') {
      i++;
    }
    return i;
  }

  private static int naiveTokenEnd(byte[] s, int i, int end) {
    while (i < end && (s[i] & 0xff) > ' ') {
      i++;
    }
    return i;
  }

  @Test
  void scansAgreeWithTheirByteAtATimeDefinition() {
    SplittableRandom r = new SplittableRandom(7);
    for (int round = 0; round < 400; round++) {
      byte[] s = new byte[48];
      int density = 1 + r.nextInt(8); // runs of one byte, as spaces and tokens are
      byte b = ALPHABET[r.nextInt(ALPHABET.length)];
      for (int i = 0; i < s.length; i++) {
        if (r.nextInt(density) == 0) {
          b = ALPHABET[r.nextInt(ALPHABET.length)];
        }
        s[i] = b;
      }
      for (int from = 0; from <= 16; from++) { // up to the array's end: a word read past it would throw
        for (int to = from; to <= Math.min(s.length, from + 40); to++) {
          for (byte c : new byte[] {'\n', '[', ' '}) {
            assertThat(Chars.indexOf(s, from, to, c)).isEqualTo(naiveIndexOf(s, from, to, c));
          }
          assertThat(Chars.skipSpace(s, from, to)).isEqualTo(naiveSkipSpace(s, from, to));
          assertThat(Chars.tokenEnd(s, from, to)).isEqualTo(naiveTokenEnd(s, from, to));
        }
      }
    }
  }

  @Test
  void regionEqualsComparesEveryByteOfEveryLength() {
    for (int n = 0; n <= 40; n++) {
      byte[] t = new byte[n];
      for (int i = 0; i < n; i++) {
        t[i] = (byte) ('a' + i % 26);
      }
      byte[] s = new byte[n + 5]; // the region ends at the array's end
      System.arraycopy(t, 0, s, 5, n);
      assertThat(Chars.regionEquals(s, 5, 5 + n, t)).as("length %d", n).isTrue();
      assertThat(Chars.regionEquals(s, 4, 5 + n, t)).isFalse(); // another length
      for (int i = 0; i < n; i++) { // a difference in any one byte is seen
        s[5 + i] ^= 0x20;
        assertThat(Chars.regionEquals(s, 5, 5 + n, t)).as("length %d, byte %d", n, i).isFalse();
        s[5 + i] ^= 0x20;
      }
    }
  }
}
