package io.asisim.sim.trace;

/**
 * A reusable {@link CharSequence} view of the first {@code length} chars of a buffer: the current
 * line of a {@link LineReader}, handed to parsers without creating a String per line.
 */
final class CharSlice implements CharSequence {
  private final char[] chars;
  private int length;

  CharSlice(char[] chars) {
    this.chars = chars;
  }

  void setLength(int n) {
    length = n;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    if (index >= length) {
      throw new IndexOutOfBoundsException(index);
    }
    return chars[index];
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    if (start < 0 || end > length || start > end) {
      throw new IndexOutOfBoundsException(start + ".." + end);
    }
    return new String(chars, start, end - start);
  }

  @Override
  public String toString() {
    return new String(chars, 0, length);
  }
}
