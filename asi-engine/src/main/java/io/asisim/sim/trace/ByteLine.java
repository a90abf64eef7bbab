package io.asisim.sim.trace;

import java.nio.charset.StandardCharsets;

/**
 * A reusable {@link CharSequence} view of one line inside a byte buffer, each byte taken as an
 * ISO-8859-1 char: the current line of a {@link LineReader}, handed to parsers without copying it or
 * creating a String per line. {@link KmemLineParser} reads the bytes directly
 * ({@link #array()}, {@link #start()}, {@link #end()}); a trace-format plugin of another module sees
 * a plain {@code CharSequence}. Valid until the reader moves on.
 */
final class ByteLine implements CharSequence {
  private byte[] array;
  private int start;
  private int length;

  void set(byte[] array, int start, int length) {
    this.array = array;
    this.start = start;
    this.length = length;
  }

  /** The buffer holding the line (shared, not a copy). */
  byte[] array() {
    return array;
  }

  /** Index of the line's first byte in {@link #array()}. */
  int start() {
    return start;
  }

  /** Index after the line's last byte in {@link #array()}. */
  int end() {
    return start + length;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    if (index < 0 || index >= length) {
      throw new IndexOutOfBoundsException(index);
    }
    return (char) (array[start + index] & 0xff);
  }

  @Override
  public CharSequence subSequence(int from, int to) {
    if (from < 0 || to > length || from > to) {
      throw new IndexOutOfBoundsException(from + ".." + to);
    }
    return new String(array, start + from, to - from, StandardCharsets.ISO_8859_1);
  }

  @Override
  public String toString() {
    return new String(array, start, length, StandardCharsets.ISO_8859_1);
  }
}
