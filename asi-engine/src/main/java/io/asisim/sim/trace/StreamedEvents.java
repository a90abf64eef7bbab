package io.asisim.sim.trace;

import io.asisim.api.trace.TraceFormat;
import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.api.trace.TraceRecord.Kind;
import io.asisim.sim.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The events of a trace too large to hold in memory, re-read from its file as a replay asks for
 * them: one reader per replay (variants of a comparison each stream on their own), the same lines
 * classified by the same format as the first pass ({@link TraceLoader#parse}) classified them, so
 * event {@code i} is the same event either way. Memory: the reader's buffers and the decompressor's
 * window, whatever the trace's length. Indices must come in increasing order, one at a time.
 */
final class StreamedEvents implements TraceEvents {
  /** How to read the trace again: its text (decompressed) and a fresh format instance. */
  interface Source {
    InputStream open() throws IOException;

    TraceFormat format();

    /** The trace's name, for messages. */
    String name();

    /** The compression's label, for messages. */
    String compression();
  }

  private final Source source;
  private final int size;
  private final TraceFormat format;
  private final TraceRecord rec = new TraceRecord();
  private LineReader reader;
  private int pos = -1;
  private Event event;
  private int cpu;
  private int order;
  private long pfn;
  private int gfp;
  private int cache;
  /** The cache ids the first reading gave the names (every name of the file is in it). */
  private final Map<String, Integer> cacheIds;

  StreamedEvents(Source source, int size, Map<String, Integer> cacheIds) {
    this.source = source;
    this.size = size;
    this.format = source.format();
    this.cacheIds = cacheIds;
  }

  private void at(int i) {
    if (i == pos) {
      return;
    }
    if (i != pos + 1 || i >= size) {
      throw new IllegalStateException("streamed trace: event " + i + " asked after " + pos + " (in order only, < "
          + size + ")");
    }
    try {
      if (reader == null) {
        reader = new LineReader(source.open());
      }
      while (reader.next()) {
        if (reader.tooLong()) {
          continue;
        }
        Kind k = format.parse(reader.line(), rec);
        if (k == Kind.ALLOC || k == Kind.FREE || k == Kind.SLAB_ALLOC || k == Kind.SLAB_FREE) {
          event = rec.event;
          cpu = rec.cpu;
          order = rec.order;
          boolean slab = k == Kind.SLAB_ALLOC || k == Kind.SLAB_FREE;
          pfn = slab ? rec.ptr : rec.pfn;
          gfp = rec.gfpMask;
          Integer id = k == Kind.SLAB_ALLOC ? cacheIds.get(rec.cache) : null;
          cache = id == null ? -1 : id;
          pos = i;
          if (pos == size - 1) {
            reader.close(); // the last event: nothing more is read
            reader = null;
          }
          return;
        }
      }
    } catch (IOException e) {
      throw new BadInputException(source.name() + ": " + TraceInput.streamError(source.compression(), e)
          + " (while replaying event " + i + ")");
    }
    throw new BadInputException(source.name() + ": changed while it was replayed: it ended after " + i
        + " of the " + size + " events its first reading found");
  }

  @Override
  public Event event(int i) {
    at(i);
    return event;
  }

  @Override
  public boolean isAlloc(int i) {
    at(i);
    return event == Event.MM_PAGE_ALLOC;
  }

  @Override
  public int cpu(int i) {
    at(i);
    return cpu;
  }

  @Override
  public int order(int i) {
    at(i);
    return order;
  }

  @Override
  public long pfn(int i) {
    at(i);
    return pfn;
  }

  @Override
  public int gfp(int i) {
    at(i);
    return gfp;
  }

  @Override
  public int cache(int i) {
    at(i);
    return cache;
  }
}
