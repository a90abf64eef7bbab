package io.asisim.sim.trace;

import io.asisim.api.trace.TraceFormat;
import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.sim.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a kmem trace file into a {@link ParsedTrace}: opens it ({@link TraceInput}: plain, gzip or
 * xz by magic bytes), sniffs the format from the first event lines when asked ({@code auto}), and
 * parses every line. Malformed lines are skipped and counted, the first {@value #LOGGED_SKIPS}
 * logged at WARN with line number and reason; in strict mode the first one is a
 * {@link BadInputException} naming {@code file:line} and why. A trace without a single alloc/free
 * event is bad input too (empty file, binary junk, wrong format).
 *
 * <p>The last trace read is cached (keyed by the file's real path, size, modification time and the
 * options), so the variants of a comparison parse the file once.
 */
public final class TraceLoader {
  private static final Logger LOG = LoggerFactory.getLogger(TraceLoader.class);

  /** {@code format=auto}. */
  public static final String AUTO = TraceFormats.AUTO;
  /** Lines looked at to sniff the format. */
  public static final int SNIFF_LINES = 1000;
  /** Skipped lines kept in the summary. */
  public static final int REPORTED_SKIPS = 10;
  /** Skipped lines logged at WARN. */
  public static final int LOGGED_SKIPS = 5;

  private static final String VALID =
      "valid: text from 'perf script' or 'trace-cmd report' of the kmem:mm_page_alloc/mm_page_free events, or of "
          + "kmem:kmem_cache_alloc/kmem_cache_free/kmalloc/kfree";

  private static final Object CACHE_LOCK = new Object();
  private static CacheKey cachedKey;
  private static ParsedTrace cached;

  private TraceLoader() {}

  private record CacheKey(Path real, long size, long modified, List<String> formats, String format, boolean strict,
      long maxEvents) {}

  /** {@link #load(Path, TraceFormats, String, boolean, long)} with the built-in formats. */
  public static ParsedTrace load(Path file, String format, boolean strict, long maxEvents) {
    return load(file, TraceFormats.builtIn(), format, strict, maxEvents);
  }

  /**
   * Loads {@code file}.
   *
   * @param formats the trace-format plugins to choose from
   * @param format {@code auto} (sniff with every format's {@code recognizes()}) or a format name
   * @param strict whether a skipped line is an error
   * @param maxEvents stop after this many alloc/free events; 0 = all
   * @throws BadInputException on an unreadable file, a corrupt stream, an unrecognizable format, a
   *     trace without events, or (strict) any malformed line
   */
  public static ParsedTrace load(Path file, TraceFormats formats, String format, boolean strict, long maxEvents) {
    formats.require("trace format", format);
    if (maxEvents < 0) {
      throw new BadInputException("trace: number of events " + maxEvents + " < 0 (valid: 0 = all, or a positive count)");
    }
    CacheKey key = key(file, formats, format, strict, maxEvents);
    if (key != null) {
      synchronized (CACHE_LOCK) {
        if (key.equals(cachedKey)) {
          return cached;
        }
      }
    }
    String chosen = format.equals(AUTO) ? sniff(file, formats) : format;
    TraceInput.Opened in = TraceInput.open(file, true);
    ParsedTrace t;
    // a streamed trace's re-reads decode in Java: a replay that stops part-way leaves its stream to
    // the garbage collector, which would not reap a child process
    Reread again = new Reread(() -> TraceInput.open(file).text(), () -> formats.create(chosen, null),
        file.toString(), in.compression().label);
    // a compressed file is decoded on a thread of its own (or by xz) while this one parses
    try (InputStream s = in.compression() == TraceInput.Compression.NONE || in.decodedElsewhere() ? in.text()
        : new ReadAhead(in.text(), file.getFileName().toString())) {
      t = parse(s, again.name(), again.compression(), chosen, () -> formats.create(chosen, null), TraceBlocks.threads(),
          strict, maxEvents, ParsedTrace.inMemoryLimit(), again, TraceBlockReader.CAPACITY);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage());
    }
    if (key != null) {
      synchronized (CACHE_LOCK) {
        cachedKey = key;
        cached = t;
      }
    }
    return t;
  }

  private static CacheKey key(Path file, TraceFormats formats, String format, boolean strict, long maxEvents) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new CacheKey(file.toRealPath(), a.size(), a.lastModifiedTime().toMillis(), formats.names(), format, strict,
          maxEvents);
    } catch (IOException | SecurityException e) {
      return null; // not cacheable; open() reports the problem
    }
  }

  /**
   * Decides the format from the first {@value #SNIFF_LINES} lines: the first line a format
   * {@linkplain TraceFormat#recognizes recognizes} decides, formats tried in name order.
   */
  static String sniff(Path file, TraceFormats choices) {
    List<String> names = choices.names();
    TraceFormat[] formats = new TraceFormat[names.size()];
    for (int i = 0; i < formats.length; i++) {
      formats[i] = choices.create(names.get(i), null);
    }
    // names the first event-looking line in the error message when nothing is recognized
    TraceFormat kmem = new KmemTextFormat(KmemTextFormat.Dialect.PERF_SCRIPT);
    TraceInput.Opened in = TraceInput.open(file);
    String firstLine = null;
    long firstLineNo = 0;
    TraceRecord probe = new TraceRecord();
    try (LineReader r = new LineReader(in.text())) {
      while (r.lineNumber() < SNIFF_LINES && next(r, file, in)) {
        if (r.tooLong()) {
          if (firstLine == null) {
            firstLine = r.line().toString();
            firstLineNo = r.lineNumber();
          }
          continue;
        }
        String line = r.line().toString();
        if (line.isBlank()) {
          continue;
        }
        if (firstLine == null && kmem.parse(line, probe) != TraceRecord.Kind.IGNORED) {
          firstLine = line;
          firstLineNo = r.lineNumber();
        }
        for (int i = 0; i < formats.length; i++) {
          if (formats[i].recognizes(line)) {
            LOG.debug("{}: format {} recognized at line {}", file, names.get(i), r.lineNumber());
            return names.get(i);
          }
        }
      }
      if (r.lineNumber() == 0) {
        throw new BadInputException(file + ": empty file: no kmem events (" + VALID + ")");
      }
      throw new BadInputException(file + ": not a kmem trace: none of the first " + r.lineNumber()
          + " lines is a perf script or trace-cmd kmem event"
          + (firstLine == null ? "" : " (line " + firstLineNo + ": '" + excerpt(firstLine) + "')") + " (" + VALID
          + "; or set the format explicitly)");
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage());
    }
  }

  private static boolean next(LineReader r, Path file, TraceInput.Opened in) {
    try {
      return r.next();
    } catch (IOException e) {
      throw corrupt(file.toString(), r.lineNumber() + 1, in.compression().label, e);
    }
  }

  private static BadInputException corrupt(String file, long line, String compression, IOException e) {
    return new BadInputException(file + ":" + line + ": " + TraceInput.streamError(compression, e));
  }

  /** {@link #parse(InputStream, String, String, String, TraceFormat, boolean, long)} with a built-in format. */
  public static ParsedTrace parse(InputStream text, String name, String compression, String formatName,
      boolean strict, long maxEvents) {
    TraceFormats builtIn = TraceFormats.builtIn();
    builtIn.require("trace format", formatName);
    return parse(text, name, compression, formatName, () -> builtIn.create(formatName, null), TraceBlocks.threads(),
        strict, maxEvents, Integer.MAX_VALUE, null, TraceBlockReader.CAPACITY);
  }

  /**
   * {@link #parse(InputStream, String, String, String, boolean, long)} on {@code threads} threads in
   * blocks of {@code blockCapacity} bytes (for tests: the result must not depend on either).
   */
  static ParsedTrace parse(InputStream text, String name, String formatName, boolean strict, long maxEvents,
      int threads, int blockCapacity) {
    return parse(text, name, "plain text", formatName, () -> TraceFormats.builtIn().create(formatName, null), threads,
        strict, maxEvents, Integer.MAX_VALUE, null, blockCapacity);
  }

  /**
   * Parses a whole trace from {@code text} (already decompressed) with {@code format}, on this
   * thread, holding every event in memory.
   *
   * @param name how to name the input in messages (the file)
   * @param compression the input's compression, for the summary and messages
   * @param formatName the format's name, for the summary
   */
  public static ParsedTrace parse(InputStream text, String name, String compression, String formatName,
      TraceFormat format, boolean strict, long maxEvents) {
    return parse(text, name, compression, formatName, () -> format, 1, strict, maxEvents, Integer.MAX_VALUE, null,
        TraceBlockReader.CAPACITY);
  }

  /**
   * Parses a trace that can be read again: {@code texts} gives its text (decompressed) afresh each
   * time. Up to {@code inMemory} events are held; a longer trace is only counted here and streamed
   * by each replay ({@link ParsedTrace#events()}), in bounded memory.
   */
  public static ParsedTrace parse(Supplier<InputStream> texts, String name, String compression,
      String formatName, Supplier<TraceFormat> format, boolean strict, long maxEvents, int inMemory) {
    Reread src = new Reread(texts, format, name, compression);
    try (InputStream first = texts.get()) {
      return parse(first, name, compression, formatName, format, TraceBlocks.threads(), strict, maxEvents, inMemory,
          src, TraceBlockReader.CAPACITY);
    } catch (IOException e) {
      throw new BadInputException(name + ": cannot read: " + e.getMessage());
    }
  }

  /** A trace read again for streaming: its text afresh each time, a fresh format instance. */
  private record Reread(Supplier<InputStream> texts, Supplier<TraceFormat> formats, String name, String compression)
      implements StreamedEvents.Source {
    @Override
    public InputStream open() {
      return texts.get();
    }

    @Override
    public TraceFormat format() {
      return formats.get();
    }
  }

  /**
   * Parses {@code text} block by block ({@link TraceBlocks}) with instances of {@code formats} on
   * {@code threads} threads, and checks and summarizes what it found.
   */
  private static ParsedTrace parse(InputStream text, String name, String compression, String formatName,
      Supplier<TraceFormat> formats, int threads, boolean strict, long maxEvents, int inMemory,
      StreamedEvents.Source again, int blockCapacity) {
    ParsedTrace.Builder b = new ParsedTrace.Builder(inMemory, again);
    TraceTally t = TraceBlocks.parse(text, name, compression, formats, strict, maxEvents, b, threads,
        blockCapacity);
    Map<Event, Long> events = new EnumMap<>(Event.class);
    for (Event e : Event.values()) {
      events.put(e, t.counts[e.ordinal()]);
    }
    TraceSummary summary = new TraceSummary(name, formatName, compression, t.lines, events, t.other, t.skipped,
        t.lost, t.firstSkipped, t.maxCpu, t.stopped, CompactionFields.summary(t.compaction));
    if (b.size() == 0) {
      if (t.lines == 0) {
        throw new BadInputException(name + ": empty file: no kmem events (" + VALID + ")");
      }
      String first = t.firstSkipped.isEmpty() ? ""
          : "; first at line " + t.firstSkipped.get(0).line() + ": " + t.firstSkipped.get(0).reason();
      throw new BadInputException(name + ": no mm_page_alloc/mm_page_free events in " + t.lines + " lines ("
          + t.skipped + " skipped" + (t.other > 0 ? ", " + t.other + " other events counted" : "") + first + ") ("
          + VALID + ")");
    }
    if (t.skipped > LOGGED_SKIPS) {
      LOG.warn("{}: {} lines skipped in all ({} more not shown)", name, t.skipped, t.skipped - LOGGED_SKIPS);
    }
    if (t.lost > 0) {
      LOG.warn("{}: the tracer reports {} lost events: expect unmatched frees", name, t.lost);
    }
    LOG.info("{}", summary.describe());
    return b.build(summary);
  }

  /** The start of a line, printable ASCII only, for one-line messages. */
  static String excerpt(String line) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < line.length() && sb.length() < 80; i++) {
      char c = line.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (line.length() > 80) {
      sb.append("...");
    }
    return sb.toString().strip();
  }
}
