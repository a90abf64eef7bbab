package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI daemon ({@code ASI_SIM_DAEMON=1}; docs/performance.md, "The daemon") as the launcher
 * uses it: a daemon process and its client. A command through the daemon prints what it prints in
 * its own process, byte for byte, and exits with the same code; nothing of one command (its log
 * level) reaches the next; a busy daemon, a missing one, a wrong working directory and a client
 * that hangs up are each handled as the launcher expects.
 */
class DaemonTest {
  private static final String[] RUN = {"run", "--workload", "fio-randread", "--set", "workload.fio-randread.ops=3000",
      "--set", "workload.fio-randread.file-size=8M", "--memory", "1G", "--mapper", "ephmap", "--format", "json"};

  @TempDir
  Path tmp;

  private Process daemon;

  @AfterEach
  void stop() throws InterruptedException {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroy();
      daemon.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private record Out(int code, String out, String err) {}

  private Path startDaemon(int idleSeconds) throws IOException {
    Path sock = tmp.resolve("d.sock");
    daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-cp",
        System.getProperty("java.class.path"), Daemon.class.getName(), sock.toString(), String.valueOf(idleSeconds))
        .redirectErrorStream(true).redirectOutput(tmp.resolve("d.log").toFile()).start();
    return sock;
  }

  private static Out client(Path sock, int waitSeconds, String... args) {
    String[] a = new String[args.length + 2];
    a[0] = sock.toString();
    a[1] = String.valueOf(waitSeconds);
    System.arraycopy(args, 0, a, 2, args.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = DaemonClient.run(a, out, err);
    return new Out(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Out direct(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Out(code, out.toString(), err.toString());
  }

  /** The timing line is host time: the one part of stderr that differs from run to run. */
  private static String withoutTiming(String err) {
    return err.replaceAll("(?m)^host: .*\\R", "");
  }

  @Test
  void aCommandThroughTheDaemonPrintsWhatItPrintsAloneAndNothingOfOneCommandReachesTheNext() throws Exception {
    Path sock = startDaemon(60);
    Out alone = direct(RUN);
    assertThat(alone.code()).isZero();
    Out first = client(sock, 60, RUN);
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).isEqualTo(alone.out());
    assertThat(first.err()).contains("host: ").contains("simulated ops per host second");
    assertThat(withoutTiming(first.err())).isEqualTo(withoutTiming(alone.err()));

    // -v raises the log level for its own command only
    String[] verbose = new String[RUN.length + 1];
    verbose[0] = "-v";
    System.arraycopy(RUN, 0, verbose, 1, RUN.length);
    Out loud = client(sock, 0, verbose);
    assertThat(loud.code()).isZero();
    assertThat(loud.err()).contains("DEBUG");
    Thread.sleep(2000); // the daemon is 2 s older than the next request
    Out again = client(sock, 0, RUN);
    assertThat(again.out()).isEqualTo(alone.out());
    assertThat(again.err()).doesNotContain("DEBUG");
    // this JVM passes no launch instant (asisim.launch unset, as from a bash without EPOCHREALTIME):
    // the request's arrival stands in, not the daemon's start
    java.util.regex.Matcher firstOp = java.util.regex.Pattern.compile("first op ([0-9.]+) s after launch").matcher(again.err());
    assertThat(firstOp.find()).as(again.err()).isTrue();
    assertThat(Double.parseDouble(firstOp.group(1))).isLessThan(1.5);

    // bad input: the same one line and exit code 2 as a plain launch
    Out bad = client(sock, 0, "run", "--workload", "no-such-workload");
    Out badAlone = direct("run", "--workload", "no-such-workload");
    assertThat(bad.code()).as(bad.err()).isEqualTo(2).isEqualTo(badAlone.code());
    assertThat(bad.err()).isEqualTo(badAlone.err()).startsWith("asi-sim: ").hasLineCount(1);
    assertThat(client(sock, 0, "--version").out()).isEqualTo(direct("--version").out());
  }

  @Test
  void withoutADaemonTheClientSaysSoAtOnceAndASecondDaemonLeavesTheFirstAlone() throws Exception {
    assertThat(client(tmp.resolve("none.sock"), 0, "--version").code()).isEqualTo(DaemonProtocol.EXIT_NO_DAEMON);

    Path sock = startDaemon(60);
    assertThat(client(sock, 60, "--version").code()).isZero();
    Process second = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Daemon.class.getName(), sock.toString(), "60")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("second.log").toFile()).start();
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isZero();
    assertThat(Files.readString(tmp.resolve("second.log"))).contains("another daemon serves");
    assertThat(client(sock, 0, "--version").code()).as("the first still serves").isZero();
  }

  @Test
  void aBusyDaemonAndAForeignDirectorySendTheCommandBackAndAHangUpEndsTheDaemon() throws Exception {
    Path sock = startDaemon(60);
    assertThat(client(sock, 60, "--version").code()).isZero();

    // a command for another directory: its relative paths would resolve wrongly here
    try (SocketChannel ch = connect(sock)) {
      new DaemonProtocol.Request("/elsewhere", "", "0", List.of("--version")).write(new DataOutputStream(Channels.newOutputStream(ch)));
      DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
      assertThat(in.readByte()).isEqualTo(DaemonProtocol.BUSY);
    }

    // a long command, then its client hangs up: the daemon halts (the next launch starts another)
    SocketChannel longOne = connect(sock);
    new DaemonProtocol.Request(System.getProperty("user.dir"), "", "0", List.of("run", "--workload", "fio-randread",
        "--set", "workload.fio-randread.ops=2000000000", "--format", "json"))
        .write(new DataOutputStream(Channels.newOutputStream(longOne)));
    Out busy = null;
    for (int i = 0; i < 200 && busy == null; i++) { // until the daemon has taken the long command
      Out o = client(sock, 0, "--version");
      if (o.code() == DaemonProtocol.EXIT_BUSY) {
        busy = o;
      }
      Thread.sleep(25);
    }
    assertThat(busy).as("a second client while the first's command runs is sent back").isNotNull();
    assertThat(busy.out()).isEmpty();
    longOne.close();
    assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("halted on the hang-up").isTrue();
    assertThat(daemon.exitValue()).isEqualTo(130);
    assertThat(sock).doesNotExist();
    assertThat(Files.readString(tmp.resolve("d.log"))).contains("hung up mid-command");
  }

  @Test
  void anIdleDaemonExitsAndCleansUp() throws Exception {
    Path sock = startDaemon(1);
    assertThat(client(sock, 60, "--version").code()).isZero();
    assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(daemon.exitValue()).isZero();
    assertThat(sock).doesNotExist();
    assertThat(DaemonProtocol.sibling(sock, ".pid")).doesNotExist();
    assertThat(client(sock, 0, "--version").code()).isEqualTo(DaemonProtocol.EXIT_NO_DAEMON);
  }

  @Test
  void aRequestRoundTripsAndAForeignOneIsRefusedByName() throws Exception {
    DaemonProtocol.Request r = new DaemonProtocol.Request("/w", "1733.5", "120", List.of("run", "é", ""));
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    r.write(new DataOutputStream(b));
    assertThat(DaemonProtocol.Request.read(new DataInputStream(new ByteArrayInputStream(b.toByteArray())))).isEqualTo(r);
    byte[] foreign = b.toByteArray();
    foreign[7] = 9; // version 9
    assertThatThrownBy(() -> DaemonProtocol.Request.read(new DataInputStream(new ByteArrayInputStream(foreign))))
        .isInstanceOf(IOException.class).hasMessageContaining("version 9");
    assertThat(DaemonProtocol.sibling(Path.of("/r/abc.sock"), ".log")).isEqualTo(Path.of("/r/abc.log"));
  }

  private static SocketChannel connect(Path sock) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(sock));
    return ch;
  }
}
