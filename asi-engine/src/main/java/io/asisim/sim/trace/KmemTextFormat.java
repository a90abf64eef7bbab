package io.asisim.sim.trace;

import io.asisim.api.trace.TraceFormat;
import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Kind;
import java.util.Locale;

/**
 * The kmem page-allocator events as {@code perf script} or {@code trace-cmd report} (and the
 * ftrace {@code trace} file) print them. Both dialects share one tolerant line parser
 * ({@link KmemLineParser}); the dialect decides which lines it {@link #recognizes} when the format
 * is sniffed: perf names the subsystem ({@code kmem:mm_page_alloc:}) and prints no irq-flags
 * column, trace-cmd and ftrace print the bare event name ({@code mm_page_alloc:}).
 */
public final class KmemTextFormat implements TraceFormat {
  /** Which tool printed the text. */
  public enum Dialect {
    /** {@code perf script} of {@code perf record -e kmem:...}. */
    PERF_SCRIPT,
    /** {@code trace-cmd report}, or the ftrace {@code trace} file, with or without irq-info flags. */
    TRACE_CMD;

    /** The plugin name, e.g. {@code perf-script}. */
    public String pluginName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Dialect dialect;
  private final KmemLineParser parser = new KmemLineParser();
  private final TraceRecord scratch = new TraceRecord();

  public KmemTextFormat(Dialect dialect) {
    this.dialect = dialect;
  }

  /** The dialect this format recognizes. */
  public Dialect dialect() {
    return dialect;
  }

  @Override
  public boolean recognizes(String line) {
    Kind k = parser.parse(line, scratch);
    if (k == Kind.IGNORED || k == Kind.MALFORMED) {
      return false;
    }
    return dialect == Dialect.PERF_SCRIPT
        ? parser.lastSystemPrefix && !parser.lastFlagsColumn
        : !parser.lastSystemPrefix;
  }

  @Override
  public Kind parse(CharSequence line, TraceRecord out) {
    return parser.parse(line, out);
  }

  /** Every line is parsed on its own: {@link KmemLineParser} keeps only per-line scratch state and a GFP cache. */
  @Override
  public boolean linesIndependent() {
    return true;
  }
}
