package io.asisim.api.trace;

/**
 * A text trace format of the kmem page-allocator events, e.g. {@code perf script} or
 * {@code trace-cmd report}. Plugins of kind {@code trace-format}. An instance may keep per-line
 * scratch state and is used by one thread at a time.
 */
public interface TraceFormat {

  /** Whether this format recognizes {@code line} (a non-blank line near the start of a file). */
  boolean recognizes(String line);

  /**
   * Parses {@code line} into {@code out} (after {@link TraceRecord#clear()}); returns {@code out.kind}.
   * Never throws on bad input: a line that cannot be parsed is {@link TraceRecord.Kind#MALFORMED}
   * with {@link TraceRecord#error} saying why. Allocates nothing for well-formed lines once the
   * line's GFP string has been seen.
   */
  TraceRecord.Kind parse(CharSequence line, TraceRecord out);

  /**
   * Whether {@link #parse} of a line depends on nothing but the line, so that instances may parse
   * different parts of one file at once (each instance on one thread) and the parts be put together
   * in file order. Default false: a format that keeps state from one line to the next is given the
   * lines one after another.
   */
  default boolean linesIndependent() {
    return false;
  }
}
