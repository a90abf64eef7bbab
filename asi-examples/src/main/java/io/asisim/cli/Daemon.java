package io.asisim.cli;

import ch.qos.logback.classic.Level;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLI kept running between commands ({@code ASI_SIM_DAEMON=1}; docs/performance.md, "The
 * daemon"), as Gradle's and Bazel's servers are: a launch then costs a small client JVM instead of
 * the CLI's start, and the simulation runs in code the JIT compiled for earlier commands. Each
 * command runs through {@link Main#execute} exactly as in its own process (the tests run the CLI
 * that way too): a fresh command line, registry and variant per command, no state kept between
 * them, so the outputs are byte-identical to a plain launch's.
 *
 * <p>One command at a time: a client that connects while one runs is told "busy" and its launcher
 * runs the command itself. A client that hangs up mid-command (Ctrl-C) takes the daemon with it
 * ({@link Runtime#halt}): the simulation has no cancellation point, and the next launch starts a
 * fresh daemon. The daemon serves one working directory, class path and set of JVM options (the
 * launcher names its socket after them) and exits after {@code idle} seconds without a command.
 * Its own log lines go to the launcher's log file; a command's go to its client.
 */
public final class Daemon {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  private final Path socket;
  private final long idleNanos;
  /** The daemon's own stderr (its log file): {@code System.err} is a client's while a command runs. */
  private final PrintStream log = System.err;
  private final AtomicBoolean busy = new AtomicBoolean();
  private volatile long lastUsed = System.nanoTime();

  Daemon(Path socket, long idleSeconds) {
    this.socket = socket;
    this.idleNanos = idleSeconds * 1_000_000_000L;
  }

  /** {@code Daemon SOCKET IDLE_SECONDS}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2 || !args[1].matches("[0-9]{1,9}")) {
      System.err.println("asi-sim daemon: usage: Daemon SOCKET IDLE_SECONDS (got " + String.join(" ", args) + ")");
      System.exit(2);
    }
    System.setProperty("java.awt.headless", "true");
    // no progress bar: the client's stderr is a socket here, and the bar would draw into it
    System.setProperty("asisim.progress", "false");
    ((ch.qos.logback.classic.Logger) LOG).setLevel(Level.INFO); // its log file says what ran
    System.exit(new Daemon(Path.of(args[0]), Long.parseLong(args[1])).serve());
  }

  /** Listens until idle; returns the exit code. */
  int serve() throws IOException {
    try (FileChannel lockFile = FileChannel.open(DaemonProtocol.sibling(socket, ".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = lockFile.tryLock()) {
      if (lock == null) {
        LOG.warn("another daemon serves {}: exiting", socket);
        return 0;
      }
      Files.deleteIfExists(socket); // a daemon that was killed leaves its socket; the lock says it is gone
      Path pid = DaemonProtocol.sibling(socket, ".pid");
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
          Selector selector = Selector.open()) {
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.writeString(pid, ProcessHandle.current().pid() + "\n");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // ASI_SIM_DAEMON=stop's SIGTERM
          try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(pid);
          } catch (IOException e) {
            // the next daemon deletes a stale socket itself
          }
        }, "asi-sim-daemon-exit"));
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        LOG.warn("pid {} serves {} (exits after {} s idle)", ProcessHandle.current().pid(), socket, idleNanos / 1_000_000_000L);
        while (busy.get() || System.nanoTime() - lastUsed < idleNanos) {
          if (selector.select(1000) == 0) {
            continue;
          }
          selector.selectedKeys().clear();
          SocketChannel ch = server.accept();
          if (ch != null) {
            accept(ch);
          }
        }
        LOG.warn("idle for {} s: exiting", idleNanos / 1_000_000_000L);
      } finally {
        Files.deleteIfExists(socket);
        Files.deleteIfExists(pid);
      }
    }
    return 0;
  }

  private void accept(SocketChannel ch) throws IOException {
    if (!busy.compareAndSet(false, true)) {
      try (ch) {
        new DaemonFrames(ch).write(DaemonProtocol.BUSY, new byte[0], 0, 0);
      } catch (IOException e) {
        LOG.debug("a busy reply was not delivered", e);
      }
      return;
    }
    Thread t = new Thread(() -> {
      try {
        command(ch); // frees the daemon on every path
      } catch (RuntimeException | Error e) {
        LOG.error("the daemon's command loop failed", e);
        done();
        close(ch);
      }
      // the finished command's heap goes back now, not during the next one (which waits for this
      // collection rather than being sent back busy)
      System.gc();
    }, "asi-sim-command");
    t.start();
  }

  /** Reads one request from {@code ch}, runs it, answers, closes. */
  private void command(SocketChannel ch) {
    long t0 = System.nanoTime();
    DaemonProtocol.Request req;
    DaemonFrames frames = new DaemonFrames(ch);
    try {
      req = DaemonProtocol.Request.read(new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch))));
      if (!req.cwd().equals(System.getProperty("user.dir"))) {
        // relative paths would resolve against the wrong directory: let the launcher run it
        LOG.warn("a command for {} reached the daemon of {}: sent back", req.cwd(), System.getProperty("user.dir"));
        done();
        try {
          frames.write(DaemonProtocol.BUSY, new byte[0], 0, 0);
        } catch (IOException e) {
          LOG.debug("a sent-back reply was not delivered", e);
        }
        close(ch);
        return;
      }
    } catch (IOException e) {
      LOG.warn("bad request: {}", e.getMessage());
      done();
      close(ch);
      return;
    }
    AtomicBoolean running = new AtomicBoolean(true);
    watchHangUp(ch, running);
    int code = run(req, frames);
    running.set(false);
    LOG.info("{}: exit {}, {} ms", req.args(), code, (System.nanoTime() - t0) / 1_000_000);
    // free before the client hears the exit code: a script's next launch must find the daemon free
    done();
    try {
      frames.exit(code);
    } catch (IOException e) {
      LOG.warn("the client left before the exit code: {}", e.getMessage());
    }
    close(ch);
  }

  private void done() {
    lastUsed = System.nanoTime();
    busy.set(false);
  }

  /** Runs the CLI with the client's streams, properties and a fresh log level; returns its exit code. */
  static int run(DaemonProtocol.Request req, DaemonFrames frames) {
    PrintStream out = new PrintStream(frames.stream(DaemonProtocol.OUT), false, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(frames.stream(DaemonProtocol.ERR), true, StandardCharsets.UTF_8);
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level level = root.getLevel();
    // without the client's launch instant (a bash before 5.0 has no EPOCHREALTIME) the request's
    // arrival stands in for it: the daemon JVM's own start would count its whole uptime
    System.setProperty("asisim.launch", req.launch().isEmpty() ? arrival() : req.launch());
    System.setProperty("asisim.columns", req.columns());
    System.setOut(out);
    System.setErr(err); // logback's console appender writes to whatever System.err is now
    int code;
    try {
      code = Main.execute(req.args().toArray(new String[0]), new PrintWriter(out, true, StandardCharsets.UTF_8),
          new PrintWriter(err, true, StandardCharsets.UTF_8));
    } catch (RuntimeException | Error e) { // what escapes picocli's own handler: as a JVM would report it
      e.printStackTrace(err);
      code = 1;
    } finally {
      out.flush();
      err.flush();
      System.setOut(oldOut);
      System.setErr(oldErr);
      root.setLevel(level); // -v raises it for one command only
    }
    return code;
  }

  /**
   * Halts the daemon if the client hangs up while its command runs: the client sends nothing after
   * its request, so a read that ends is a hang-up. It reads the channel itself: a JDK 17
   * {@code Channels} stream would hold the channel's blocking lock for the whole read, which the
   * output's stream writes would then wait for.
   */
  private void watchHangUp(SocketChannel ch, AtomicBoolean running) {
    Thread w = new Thread(() -> {
      try {
        ch.read(ByteBuffer.allocate(1));
      } catch (IOException e) {
        // closed after the command: nothing to do
      }
      if (running.get()) {
        log.println("asi-sim daemon: the client hung up mid-command: halting (the next launch starts a fresh daemon)");
        log.flush();
        try {
          Files.deleteIfExists(socket);
          Files.deleteIfExists(DaemonProtocol.sibling(socket, ".pid"));
        } catch (IOException e) {
          // the next daemon deletes a stale socket itself
        }
        Runtime.getRuntime().halt(130);
      }
    }, "asi-sim-hangup");
    w.setDaemon(true);
    w.start();
  }

  private static void close(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      LOG.debug("close", e);
    }
  }

  /** Now, in the launcher's {@code EPOCHREALTIME} format (seconds, a dot, microseconds). */
  private static String arrival() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() + "." + String.format(java.util.Locale.ROOT, "%06d", now.getNano() / 1000);
  }
}
