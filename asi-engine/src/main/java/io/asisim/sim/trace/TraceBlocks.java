package io.asisim.sim.trace;

import io.asisim.api.trace.TraceFormat;
import io.asisim.api.trace.TraceRecord;
import io.asisim.sim.BadInputException;
import io.asisim.sim.util.Workers;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a trace's text block by block ({@link TraceBlockReader}) and merges the blocks in file
 * order into a {@link ParsedTrace.Builder} and one tally. When the format's lines are independent
 * ({@link TraceFormat#linesIndependent()}) the blocks are parsed by a pool of threads, each with a
 * format instance of its own, at most {@code 2 × threads + 1} blocks in flight (1 MiB each: 5 MiB on
 * two threads, 17 on eight, however long the trace); otherwise, and with one thread, the caller parses each block as it reads it.
 * Either way the result is the same, byte for byte: line numbers, skipped lines, cache ids, the
 * strict-mode error, the {@code maxEvents} cut and a corrupt stream's line are those of reading the
 * lines one after another (the block that reaches {@code maxEvents} is parsed again, alone, up to
 * the cut). Threads: {@code -Dasisim.parse.threads=N} (default: the available processors, at most
 * {@value #MAX_THREADS}; docs/performance.md, "Trace input"), started for the parse and gone after it.
 */
final class TraceBlocks {
  private static final Logger LOG = LoggerFactory.getLogger(TraceBlocks.class);
  /** Most parse threads by default. */
  static final int MAX_THREADS = 8;

  private TraceBlocks() {}

  /** The parse threads to use: {@code asisim.parse.threads}, else the available processors (at most 8). */
  static int threads() {
    String p = System.getProperty("asisim.parse.threads");
    if (p != null) {
      try {
        int n = Integer.parseInt(p.strip());
        if (n >= 1 && n <= 256) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new BadInputException("-Dasisim.parse.threads=" + p + ": not a thread count (valid: 1..256)");
    }
    return Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Parses {@code text} into {@code into}.
   *
   * @param formats a fresh format instance each call (one per parsing thread); the first one tells
   *     whether lines may be parsed apart
   * @param threads parsing threads (1: the caller parses)
   * @param maxEvents stop after this many alloc/free events; 0 = all
   * @param blockCapacity bytes per block ({@link TraceBlockReader#CAPACITY} but in tests)
   */
  static TraceTally parse(InputStream text, String name, String compression, Supplier<TraceFormat> formats,
      boolean strict, long maxEvents, ParsedTrace.Builder into, int threads, int blockCapacity) {
    TraceBlockReader reader = new TraceBlockReader(text, blockCapacity);
    Parser first = new Parser(formats.get());
    TraceTally t = new TraceTally();
    Parser second = threads > 1 && first.format.linesIndependent() ? new Parser(formats.get()) : null;
    if (second == null || second.format == first.format) { // (a factory handing out one instance: in order)
      TraceBlock b = new TraceBlock(blockCapacity);
      while (reader.next(b)) {
        b.parse(first.format, first.rec, first.line, maxEvents <= 0 ? 0 : maxEvents - into.size(), strict);
        if (merge(b, t, into, name, compression, strict, maxEvents, () -> first)) {
          break;
        }
      }
      return t;
    }
    ConcurrentLinkedQueue<Parser> parsers = new ConcurrentLinkedQueue<>();
    parsers.add(first);
    parsers.add(second);
    ArrayDeque<TraceBlock> free = new ArrayDeque<>();
    ArrayDeque<CompletableFuture<TraceBlock>> inFlight = new ArrayDeque<>();
    ExecutorService exec = Workers.pool("asi-sim-parse", threads);
    int depth = 2 * threads + 1;
    boolean reading = true;
    try {
      while (true) {
        while (reading && inFlight.size() < depth) {
          TraceBlock b = free.isEmpty() ? new TraceBlock(blockCapacity) : free.pop();
          if (!reader.next(b)) {
            reading = false;
            break;
          }
          reading = b.failure == null;
          inFlight.add(CompletableFuture.supplyAsync(() -> parseApart(b, parsers, formats, strict), exec));
        }
        if (inFlight.isEmpty()) {
          return t;
        }
        TraceBlock b = Workers.join(inFlight.poll(), "parsing the trace");
        if (merge(b, t, into, name, compression, strict, maxEvents, () -> new Parser(formats.get()))) {
          return t;
        }
        free.push(b);
      }
    } finally {
      for (CompletableFuture<TraceBlock> f : inFlight) {
        f.cancel(false); // a block not merged is not waited for: its bytes are its own
      }
      exec.shutdown();
    }
  }

  /** A format instance with its record and line view, used by one thread at a time. */
  private record Parser(TraceFormat format, TraceRecord rec, ByteLine line) {
    Parser(TraceFormat format) {
      this(format, new TraceRecord(), new ByteLine());
    }
  }

  private static TraceBlock parseApart(TraceBlock b, ConcurrentLinkedQueue<Parser> parsers,
      Supplier<TraceFormat> formats, boolean strict) {
    Parser p = parsers.poll();
    if (p == null) {
      p = new Parser(formats.get());
    }
    try {
      b.parse(p.format, p.rec, p.line, 0, strict);
    } finally {
      parsers.add(p);
    }
    return b;
  }

  /**
   * Adds block {@code b}'s findings to the tally and its events to {@code into}, in file order;
   * true when the trace ends here (the event limit reached). Throws what the lines read one by
   * one would have: the first skipped line in strict mode, then the stream's failure.
   */
  private static boolean merge(TraceBlock b, TraceTally t, ParsedTrace.Builder into, String name, String compression,
      boolean strict, long maxEvents, Supplier<Parser> again) {
    TraceTally bt = b.tally;
    if (maxEvents > 0 && !bt.stopped && into.size() + b.size >= maxEvents) {
      Parser p = again.get();
      b.parse(p.format, p.rec, p.line, maxEvents - into.size(), strict); // cut where reading one by one stops
    }
    long base = t.lines;
    if (bt.skipped > 0) {
      if (strict) {
        TraceSummary.SkippedLine s = bt.firstSkipped.get(0);
        throw new BadInputException(name + ":" + (base + s.line()) + ": " + s.reason() + " (strict mode: every line "
            + "must be a kmem event or a header; line: '" + TraceLoader.excerpt(b.firstSkippedText) + "')");
      }
      for (TraceSummary.SkippedLine s : bt.firstSkipped) {
        if (t.firstSkipped.size() < TraceLoader.REPORTED_SKIPS) {
          t.firstSkipped.add(new TraceSummary.SkippedLine(base + s.line(), s.reason()));
        }
        if (t.skipped < TraceLoader.LOGGED_SKIPS) {
          LOG.warn("{}:{}: skipped: {}", name, base + s.line(), s.reason());
        }
        t.skipped++;
      }
      t.skipped += bt.skipped - bt.firstSkipped.size();
    }
    into.add(b, b.size);
    t.addCounts(bt);
    if (bt.stopped) {
      t.stopped = true;
      return true;
    }
    if (b.formatFailure instanceof RuntimeException r) {
      throw r; // the trace-format plugin's own exception, at the line it failed on
    }
    if (b.formatFailure != null) {
      throw (Error) b.formatFailure;
    }
    if (b.failure != null) {
      IOException io = b.failure instanceof IOException e ? e : null;
      if (io == null) {
        if (b.failure instanceof RuntimeException r) {
          throw r;
        }
        throw (Error) b.failure;
      }
      throw new BadInputException(name + ":" + (t.lines + 1) + ": " + TraceInput.streamError(compression, io));
    }
    return false;
  }
}
