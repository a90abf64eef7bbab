package io.asisim.sim.trace;

import io.asisim.api.mm.Gfp;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Maps the {@code gfp_flags=} text of a trace line to its mask without creating a String per line:
 * an open-addressing table keyed by the bytes themselves. Only a string not seen before is
 * materialized and handed to {@link Gfp#parse}. A real trace has a few dozen distinct GFP strings;
 * beyond {@link #MAX_ENTRIES} the cache stops growing and parses every miss (correct, just slower).
 * Unknown flag names are cached too, with their error message. Not thread-safe: one per parser.
 */
final class GfpCache {
  static final int MAX_ENTRIES = 2048;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int CAPACITY = 4096; // power of two, twice MAX_ENTRIES: probes stay short

  private final byte[][] keys = new byte[CAPACITY][];
  private final int[] masks = new int[CAPACITY];
  private final String[] errors = new String[CAPACITY];
  private int size;
  /** The error of the last {@link #lookup} that failed, else null. */
  private String lastError;

  /**
   * The mask of {@code s[start, end)}.
   *
   * @return the mask, or -1 when the text is not a valid GFP string ({@link #lastError()} says why);
   *     -1 is never a valid mask because bit 31 is unused.
   */
  int lookup(byte[] s, int start, int end) {
    lastError = null;
    int h = hash(s, start, end);
    int mask = CAPACITY - 1;
    for (int slot = h & mask; ; slot = (slot + 1) & mask) {
      byte[] k = keys[slot];
      if (k == null) {
        return insert(slot, new String(s, start, end - start, StandardCharsets.ISO_8859_1));
      }
      if (Arrays.equals(k, 0, k.length, s, start, end)) {
        lastError = errors[slot];
        return lastError == null ? masks[slot] : -1;
      }
    }
  }

  /**
   * A hash of the length and the first and last eight bytes: cheap (no loop over a 40-byte
   * string), and GFP strings differ in their ends; equal-ended strings only probe further.
   */
  private static int hash(byte[] s, int start, int end) {
    int n = end - start;
    long h = n;
    if (n >= 8) {
      h = h * 0x9E3779B97F4A7C15L + (long) LONGS.get(s, start);
      h = h * 0x9E3779B97F4A7C15L + (long) LONGS.get(s, end - 8);
    } else {
      for (int i = start; i < end; i++) {
        h = h * 31 + (s[i] & 0xff);
      }
    }
    h *= 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  /** Why the last lookup failed. */
  String lastError() {
    return lastError;
  }

  private int insert(int slot, String text) {
    int value;
    String error = null;
    try {
      value = Gfp.parse(text);
    } catch (IllegalArgumentException e) {
      value = -1;
      error = e.getMessage();
    }
    if (size < MAX_ENTRIES) {
      keys[slot] = text.getBytes(StandardCharsets.ISO_8859_1);
      masks[slot] = value;
      errors[slot] = error;
      size++;
    }
    lastError = error;
    return value;
  }

  /**
   * The mask of {@code text}, parsed without the cache (a line given as chars above 0xff, which
   * the byte-keyed table cannot tell apart).
   */
  int parse(String text) {
    try {
      lastError = null;
      return Gfp.parse(text);
    } catch (IllegalArgumentException e) {
      lastError = e.getMessage();
      return -1;
    }
  }
}
