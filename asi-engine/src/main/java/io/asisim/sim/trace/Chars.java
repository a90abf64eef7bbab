package io.asisim.sim.trace;

/**
 * Index-based scanning of a {@link CharSequence} line, allocating nothing: the lexical layer under
 * {@link KmemLineParser} and {@link KmemFields} (whitespace-separated tokens, ASCII digits, exact
 * region matches).
 */
final class Chars {
  private Chars() {}

  static int indexOf(CharSequence s, int from, int end, String needle) {
    for (int i = from; i + needle.length() <= end; i++) {
      if (regionEquals(s, i, i + needle.length(), needle)) {
        return i;
      }
    }
    return -1;
  }

  static int skipSpace(CharSequence s, int i, int end) {
    while (i < end && s.charAt(i) <= ' ') {
      i++;
    }
    return i;
  }

  static int tokenEnd(CharSequence s, int i, int end) {
    while (i < end && s.charAt(i) > ' ') {
      i++;
    }
    return i;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean startsWith(CharSequence s, int a, int end, String prefix) {
    return end - a >= prefix.length() && regionEquals(s, a, a + prefix.length(), prefix);
  }

  static boolean endsWith(CharSequence s, int a, int end, String suffix) {
    return end - a >= suffix.length() && regionEquals(s, end - suffix.length(), end, suffix);
  }

  static boolean regionEquals(CharSequence s, int a, int b, String t) {
    if (b - a != t.length()) {
      return false;
    }
    for (int i = 0; i < t.length(); i++) {
      if (s.charAt(a + i) != t.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
