package io.asisim.sim.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Decompresses on a thread of its own while the caller parses: a bounded pipeline of byte chunks.
 * A producer thread reads the wrapped (decompressing) stream {@value #CHUNK} bytes at a time, as
 * {@link LineReader} would, and queues what each read returned; at most {@value #DEPTH} chunks wait,
 * so memory stays bounded (about 1 MiB) however long the trace. The consumer sees exactly the bytes,
 * end of stream and exception (the same object) the wrapped stream gave, in order, so a corrupt
 * stream fails at the same line with the same message as when read directly. On two cores xz
 * decoding and parsing then overlap (docs/performance.md, "Trace input").
 *
 * <p>{@link #close()} stops the producer and closes the wrapped stream before it returns. One
 * consumer thread only.
 */
final class ReadAhead extends InputStream {
  /** Bytes per chunk: the size of one read of the wrapped stream. */
  static final int CHUNK = LineReader.READ;
  /** Chunks decoded ahead of the parser at most. */
  static final int DEPTH = 16;

  /** What one read of the wrapped stream gave: {@code length} bytes, or the end (-1), or a failure. */
  private record Chunk(byte[] data, int length, Throwable failure) {}

  private static final Chunk END = new Chunk(null, -1, null);

  private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(DEPTH);
  /** Emptied buffers handed back to the producer (at most DEPTH queued + one each side exist). */
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH + 2);
  private final Thread producer;
  private volatile boolean closed;
  private Chunk current;
  private int pos;

  /** Starts reading {@code in} ahead; {@code name} names the thread. */
  ReadAhead(InputStream in, String name) {
    producer = new Thread(() -> pump(in), "asi-sim-read " + name);
    producer.setDaemon(true);
    producer.start();
  }

  private void pump(InputStream in) {
    try (in) {
      while (!closed) {
        byte[] b = free.poll();
        if (b == null) {
          b = new byte[CHUNK];
        }
        Chunk c;
        try {
          int n = in.read(b, 0, CHUNK);
          c = n <= 0 ? END : new Chunk(b, n, null);
        } catch (IOException | RuntimeException | Error e) {
          c = new Chunk(null, -1, e);
        }
        full.put(c);
        if (c.length < 0) {
          return;
        }
      }
    } catch (InterruptedException | IOException e) {
      // closed while waiting (or closing the wrapped stream failed): nobody reads any more
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!advance()) {
      return -1;
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current.data, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int read() throws IOException {
    return advance() ? current.data[pos++] & 0xff : -1;
  }

  /** Makes {@link #current} a chunk with unread bytes; false at the end. */
  private boolean advance() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (current != null && current.length < 0) {
      return failOrEnd();
    }
    if (current == null || pos == current.length) {
      if (current != null) {
        free.offer(current.data);
      }
      try {
        current = full.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading the trace");
      }
      pos = 0;
      if (current.length < 0) {
        return failOrEnd();
      }
    }
    return true;
  }

  private boolean failOrEnd() throws IOException {
    Throwable f = current.failure;
    if (f == null) {
      return false;
    }
    if (f instanceof IOException e) {
      throw e;
    }
    if (f instanceof RuntimeException e) {
      throw e;
    }
    throw (Error) f;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    producer.interrupt();
    full.clear(); // a producer blocked on a full queue sees the interrupt
    boolean interrupted = false;
    while (producer.isAlive()) {
      try {
        producer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
