package io.asisim.sim.trace;

import io.asisim.api.trace.TraceFormat;
import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run of whole lines of a trace's text ({@link TraceBlockReader} cuts them) and what parsing them
 * found: the alloc/free events packed as {@link ParsedTrace} holds them, the counts of every other
 * kind of line, and the first skipped lines. Blocks are parsed independently (on several threads
 * when the format allows it) and merged in file order ({@link TraceBlocks}), so line numbers here
 * are relative to the block and slab caches have ids of the block's own, in order of first sight.
 * Reused: {@link #reset()} keeps the arrays.
 */
final class TraceBlock {
  /** Why a line longer than {@link LineReader#MAX_LINE} is skipped. */
  static final String TOO_LONG = "line longer than " + LineReader.MAX_LINE + " characters (binary data?)";

  // the text: bytes [0, length), whole lines ('\n'-terminated, the last line of the file maybe not)
  byte[] bytes;
  int length;
  /** What the stream threw after this block's bytes (the block holds every whole line before it); null if nothing. */
  Throwable failure;

  // the events, packed as ParsedTrace packs them; cache[i] is a block-local id or -1
  long[] pfn = new long[1024];
  int[] gfp = new int[1024];
  int[] meta = new int[1024];
  int[] cache = new int[1024];
  int size;
  /** Whether an event is a slab event (then the trace keeps per-event cache ids). */
  boolean slab;
  /** The block's slab caches by local id, with the slot size of each one's first allocation. */
  final List<String> cacheNames = new ArrayList<>();
  int[] cacheSizes = new int[16];
  private final Map<String, Integer> cacheIds = new HashMap<>();

  /** The other lines (skipped lines numbered from the block's first line). */
  final TraceTally tally = new TraceTally();
  /** The text of the first skipped line (for strict mode's message); null when none was. */
  String firstSkippedText;
  /** What the format threw (a broken plugin), at the line after the block's last counted one; null if nothing. */
  Throwable formatFailure;

  TraceBlock(int capacity) {
    bytes = new byte[capacity];
  }

  /** Empties the block for new text. */
  void reset() {
    length = 0;
    failure = null;
    clearResults();
  }

  private void clearResults() {
    size = 0;
    slab = false;
    cacheNames.clear();
    cacheIds.clear();
    tally.clear();
    firstSkippedText = null;
    formatFailure = null;
  }

  /**
   * Parses the block's lines with {@code format}, as {@link LineReader} would split them (a CR before
   * the newline dropped, a line longer than {@link LineReader#MAX_LINE} skipped as too long), up to
   * {@code maxEvents} alloc/free events (0: all), or in {@code strict} mode up to the first skipped
   * line; an exception of the format ends the parse there ({@link #formatFailure}), as it would
   * have ended the reading. A parse of the same bytes always finds the same.
   */
  void parse(TraceFormat format, TraceRecord rec, ByteLine line, long maxEvents, boolean strict) {
    clearResults();
    TraceTally t = tally;
    byte[] s = bytes;
    int end = length;
    int p = 0;
    while (p < end) {
      int nl = Chars.indexOf(s, p, end, (byte) '\n');
      int lineEnd = nl < 0 ? end : nl;
      int len = lineEnd - p;
      boolean tooLong = len > LineReader.MAX_LINE;
      if (tooLong) {
        len = LineReader.MAX_LINE;
      }
      if (len > 0 && s[p + len - 1] == '\r') {
        len--;
      }
      line.set(s, p, len);
      t.lines++;
      p = nl < 0 ? end : nl + 1;
      Kind kind;
      if (tooLong) {
        rec.clear();
        rec.error = TOO_LONG;
        kind = rec.kind = Kind.MALFORMED;
      } else {
        try {
          kind = format.parse(line, rec);
        } catch (RuntimeException | Error e) {
          t.lines--; // the line the reading would have stopped at
          formatFailure = e;
          return;
        }
      }
      switch (kind) {
        case ALLOC:
        case FREE:
        case SLAB_ALLOC:
        case SLAB_FREE:
          t.counts[rec.event.ordinal()]++;
          t.maxCpu = Math.max(t.maxCpu, rec.cpu);
          store(rec);
          break;
        case OTHER:
          t.counts[rec.event.ordinal()]++;
          t.other++;
          CompactionFields.tally(t.compaction, rec);
          break;
        case IGNORED:
          t.lost += rec.lostEvents;
          break;
        case MALFORMED:
        default:
          if (t.skipped++ == 0) {
            firstSkippedText = line.toString();
          }
          if (t.firstSkipped.size() < TraceLoader.REPORTED_SKIPS) {
            t.firstSkipped.add(new TraceSummary.SkippedLine(t.lines, rec.error));
          }
          if (strict) {
            return; // the reading ends at this line's error
          }
      }
      if (maxEvents > 0 && size >= maxEvents) {
        t.stopped = true;
        return;
      }
    }
  }

  /** Appends an alloc/free event: pfn (a slab event's object), GFP mask, event/order/CPU packed, cache. */
  void store(TraceRecord r) {
    if (size == pfn.length) {
      int n = size * 2;
      pfn = Arrays.copyOf(pfn, n);
      gfp = Arrays.copyOf(gfp, n);
      meta = Arrays.copyOf(meta, n);
      cache = Arrays.copyOf(cache, n);
    }
    boolean slabEvent = r.kind == Kind.SLAB_ALLOC || r.kind == Kind.SLAB_FREE;
    slab |= slabEvent;
    pfn[size] = slabEvent ? r.ptr : r.pfn;
    gfp[size] = r.gfpMask;
    meta[size] = ParsedTrace.pack(r.event, r.order, r.cpu);
    cache[size] = r.kind == Kind.SLAB_ALLOC ? cacheId(r.cache, r.bytesAlloc) : -1;
    size++;
  }

  /** The block-local id of a slab allocation's cache, registered on first sight. */
  private int cacheId(String name, int bytesAlloc) {
    Integer id = cacheIds.get(name);
    if (id == null) {
      id = cacheNames.size();
      cacheIds.put(name, id);
      cacheNames.add(name);
      if (id == cacheSizes.length) {
        cacheSizes = Arrays.copyOf(cacheSizes, id * 2);
      }
      cacheSizes[id] = bytesAlloc;
    }
    return id;
  }
}
