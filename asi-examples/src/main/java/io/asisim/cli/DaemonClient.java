package io.asisim.cli;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The launcher's client of the CLI {@link Daemon} ({@code ASI_SIM_DAEMON=1}; docs/performance.md,
 * "The daemon"): sends the arguments, copies the frames to stdout and stderr, exits with the
 * command's code. It loads only JDK classes, so its JVM starts in tens of milliseconds.
 *
 * <p>{@code DaemonClient SOCKET WAIT_SECONDS ARGS...}: with no daemon listening it exits with
 * {@link DaemonProtocol#EXIT_NO_DAEMON} at once ({@code WAIT_SECONDS} 0) or after waiting that long
 * for one to start (less if the daemon process named by {@code -Dasisim.daemon.pid} exits first);
 * with a busy daemon, {@link DaemonProtocol#EXIT_BUSY}. The launcher then starts
 * a daemon, or runs the command itself.
 */
public final class DaemonClient {
  private DaemonClient() {}

  public static void main(String[] args) {
    System.exit(run(args, new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err)));
  }

  static int run(String[] args, OutputStream out, OutputStream err) {
    if (args.length < 2 || !args[1].matches("[0-9]{1,4}")) {
      write(err, "asi-sim client: usage: DaemonClient SOCKET WAIT_SECONDS ARGS...\n");
      return 2;
    }
    Path socket = Path.of(args[0]);
    long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
    SocketChannel ch = connect(socket, deadline);
    if (ch == null) {
      return DaemonProtocol.EXIT_NO_DAEMON;
    }
    try (ch) {
      new DaemonProtocol.Request(System.getProperty("user.dir"), System.getProperty("asisim.launch", ""),
          System.getProperty("asisim.columns", "0"), Arrays.asList(args).subList(2, args.length))
          .write(new DataOutputStream(Channels.newOutputStream(ch)));
      DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), 1 << 16));
      byte[] buf = new byte[1 << 16];
      while (true) {
        byte type = in.readByte();
        int len = in.readInt();
        if (len < 0 || len > DaemonProtocol.MAX_BYTES) {
          throw new IOException("frame of " + len + " bytes");
        }
        if (len > buf.length) {
          buf = new byte[len];
        }
        in.readFully(buf, 0, len);
        switch (type) {
          case DaemonProtocol.OUT -> out.write(buf, 0, len);
          case DaemonProtocol.ERR -> err.write(buf, 0, len);
          case DaemonProtocol.EXIT -> {
            out.flush();
            err.flush();
            return java.nio.ByteBuffer.wrap(buf, 0, 4).getInt();
          }
          case DaemonProtocol.BUSY -> {
            return DaemonProtocol.EXIT_BUSY;
          }
          default -> throw new IOException("frame of unknown type " + type);
        }
      }
    } catch (EOFException e) {
      write(err, "asi-sim: the daemon stopped before the command ended (its log: " + DaemonProtocol.sibling(socket, ".log")
          + ")\n");
      return 1;
    } catch (IOException e) {
      write(err, "asi-sim: talking to the daemon at " + socket + ": " + e.getMessage() + "\n");
      return 1;
    }
  }

  /** A connection to the daemon, retried every 20 ms until {@code deadline}; null when none listens by then. */
  private static SocketChannel connect(Path socket, long deadline) {
    while (true) {
      try {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
          ch.connect(UnixDomainSocketAddress.of(socket));
          return ch;
        } catch (IOException e) {
          ch.close();
        }
      } catch (IOException e) {
        return null;
      }
      if (System.nanoTime() >= deadline || !starting()) {
        return null;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /**
   * Whether the daemon the launcher just started ({@code -Dasisim.daemon.pid}) may still come up:
   * false once that process has exited (a bad JVM option, a full disk), so the launch does not wait
   * out the whole deadline; true when no pid was given.
   */
  private static boolean starting() {
    String pid = System.getProperty("asisim.daemon.pid", "");
    return !pid.matches("[0-9]{1,10}") || ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void write(OutputStream s, String text) {
    try {
      s.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      s.flush();
    } catch (IOException e) {
      // stderr is gone: nothing left to tell
    }
  }
}
