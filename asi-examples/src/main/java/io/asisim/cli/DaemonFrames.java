package io.asisim.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The daemon's side of a connection's output ({@link DaemonProtocol}): stdout and stderr bytes as
 * frames, then the exit code. Writes go straight to the channel ({@code SocketChannel.write}, not
 * {@code Channels.newOutputStream}, whose stream would take the channel's blocking lock that
 * {@link Daemon}'s hang-up watch holds while it waits to read); the CLI's worker threads log to
 * stderr while its main thread prints, so a frame is written whole under one lock.
 */
final class DaemonFrames {
  private final SocketChannel ch;
  private final ByteBuffer header = ByteBuffer.allocate(5);

  DaemonFrames(SocketChannel ch) {
    this.ch = ch;
  }

  synchronized void write(byte type, byte[] b, int off, int len) throws IOException {
    header.clear();
    header.put(type).putInt(len).flip();
    writeFully(header);
    writeFully(ByteBuffer.wrap(b, off, len));
  }

  /** The exit frame: the last one of a command. */
  synchronized void exit(int code) throws IOException {
    write(DaemonProtocol.EXIT, new byte[] {(byte) (code >>> 24), (byte) (code >>> 16), (byte) (code >>> 8), (byte) code},
        0, 4);
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** A stream of frames of {@code type} (stdout or stderr), buffered up to 64 KiB a frame. */
  OutputStream stream(byte type) {
    return new OutputStream() {
      private final byte[] buf = new byte[1 << 16];
      private int n;

      @Override
      public synchronized void write(int b) throws IOException {
        if (n == buf.length) {
          flush();
        }
        buf[n++] = (byte) b;
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) { // frames of at most 64 KiB, so the client's bound holds for any write
          int k = Math.min(len, buf.length - n);
          System.arraycopy(b, off, buf, n, k);
          n += k;
          off += k;
          len -= k;
          if (n == buf.length) {
            flush();
          }
        }
      }

      @Override
      public synchronized void flush() throws IOException {
        if (n > 0) {
          DaemonFrames.this.write(type, buf, 0, n);
          n = 0;
        }
      }
    };
  }
}
