package io.asisim.sim.trace;

import io.asisim.api.mm.Gfp;

/**
 * Maps the {@code gfp_flags=} text of a trace line to its mask without creating a String per line:
 * an open-addressing table keyed by the characters themselves. Only a string not seen before is
 * materialized and handed to {@link Gfp#parse}. A real trace has a few dozen distinct GFP strings;
 * beyond {@link #MAX_ENTRIES} the cache stops growing and parses every miss (correct, just slower).
 * Unknown flag names are cached too, with their error message. Not thread-safe: one per parser.
 */
final class GfpCache {
  static final int MAX_ENTRIES = 2048;
  private static final int CAPACITY = 4096; // power of two, twice MAX_ENTRIES: probes stay short

  private final String[] keys = new String[CAPACITY];
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
  int lookup(CharSequence s, int start, int end) {
    lastError = null;
    int h = 0;
    for (int i = start; i < end; i++) {
      h = 31 * h + s.charAt(i);
    }
    h ^= h >>> 16;
    int mask = CAPACITY - 1;
    for (int slot = h & mask; ; slot = (slot + 1) & mask) {
      String k = keys[slot];
      if (k == null) {
        return insert(slot, s.subSequence(start, end).toString());
      }
      if (sameChars(k, s, start, end)) {
        lastError = errors[slot];
        return lastError == null ? masks[slot] : -1;
      }
    }
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
      keys[slot] = text;
      masks[slot] = value;
      errors[slot] = error;
      size++;
    }
    lastError = error;
    return value;
  }

  private static boolean sameChars(String k, CharSequence s, int start, int end) {
    int n = end - start;
    if (k.length() != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (k.charAt(i) != s.charAt(start + i)) {
        return false;
      }
    }
    return true;
  }
}
