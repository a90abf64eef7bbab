package io.asisim.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The daemon's side of a connection's output ({@link DaemonProtocol}): stdout and stderr bytes as
 * frames, then the exit code, written straight to the channel ({@code SocketChannel.write}, which
 * a concurrent {@code read} does not block: see {@link Daemon}'s hang-up watch). The CLI's worker
 * threads log to stderr while its main thread prints, so a frame is written whole under one lock.
 */
final class DaemonFrames {
  private final SocketChannel ch;
  /** Bytes of output per frame at most. */
  private static final int FRAME = 1 << 16;
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
    write(DaemonProtocol.EXIT, ByteBuffer.allocate(4).putInt(code).array(), 0, 4);
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /**
   * A stream of frames of {@code type} (stdout or stderr): buffered by the JDK, and cut into frames
   * of at most 64 KiB, so the client's bound ({@link DaemonProtocol#MAX_BYTES}) holds for any write.
   */
  OutputStream stream(byte type) {
    OutputStream frames = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        for (int k; len > 0; off += k, len -= k) {
          k = Math.min(len, FRAME);
          DaemonFrames.this.write(type, b, off, k);
        }
      }
    };
    return new BufferedOutputStream(frames, FRAME);
  }
}
