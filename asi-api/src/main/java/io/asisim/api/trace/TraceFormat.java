package io.asisim.api.trace;

/**
 * A text trace format of the kmem page-allocator events, e.g. {@code perf script} or
 * {@code trace-cmd report}. Plugins of kind {@code trace-format}.
 */
public interface TraceFormat {

  /** Whether this format recognizes {@code line} (a non-blank line near the start of a file). */
  boolean recognizes(String line);

  /** Parses {@code line} into {@code out} (after {@link TraceRecord#clear()}); returns {@code out.kind}. */
  TraceRecord.Kind parse(CharSequence line, TraceRecord out);
}
