package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher (the {@code asi-sim} script): its choice of JIT (docs/performance.md, "The JIT on two
 * cores": the trace size estimate that sends a short replay to C1 alone), its daemon settings
 * ("The daemon"), and bad settings refused before anything is built.
 */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("..", "asi-sim").toAbsolutePath().normalize();

  @TempDir
  Path tmp;

  private record Result(int status, String out, String err) {}

  private static Result bash(List<String> env, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash"));
    cmd.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    for (String e : env) {
      String[] kv = e.split("=", 2);
      pb.environment().put(kv[0], kv[1]);
    }
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    try {
      Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) { // a launcher that hangs or starts a build fails here
        p.destroyForcibly();
        throw new AssertionError("timed out: " + cmd);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The text of the launcher's function {@code name}. */
  private static String function(String script, String name) {
    int start = script.indexOf(name + "() {");
    assertThat(start).as(name).isPositive();
    return script.substring(start, script.indexOf("\n}\n", start) + 3);
  }

  /** The launcher's {@code function} (with {@code trace_lines}, under the launcher's shell options) applied to {@code args}. */
  private static String call(String function, Object... args) throws IOException, InterruptedException {
    String script = Files.readString(LAUNCHER);
    StringBuilder call = new StringBuilder("set -euo pipefail\n").append(function(script, "trace_lines"))
        .append(function(script, "choose_jit")).append(function);
    for (Object a : args) {
      call.append(" '").append(a).append('\'');
    }
    Result r = bash(List.of(), "-c", call.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    return r.out().strip();
  }

  private static long traceLines(Path... files) throws IOException, InterruptedException {
    return Long.parseLong(call("trace_lines", (Object[]) files));
  }

  @Test
  void theLinesOfATraceAreEstimatedFromItsSizeAndCompression() throws Exception {
    Path xz = tmp.resolve("t.data"); // the magic bytes decide, not the name
    byte[] b = new byte[50_000];
    byte[] magic = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
    System.arraycopy(magic, 0, b, 0, magic.length);
    Files.write(xz, b);
    Path gz = tmp.resolve("t.gz");
    byte[] g = new byte[110_000];
    g[0] = 0x1f;
    g[1] = (byte) 0x8b;
    Files.write(gz, g);
    Path text = tmp.resolve("t.txt");
    Files.write(text, new byte[126_000]);
    assertThat(traceLines(xz)).isEqualTo(10_000);
    assertThat(traceLines(gz)).isEqualTo(10_000);
    assertThat(traceLines(text)).isEqualTo(1_000);
    // the largest estimate of the file arguments; other arguments are not files
    assertThat(traceLines(text, tmp.resolve("missing"), xz)).isEqualTo(10_000);
    assertThat(traceLines()).isZero();
    // the committed 792 k-line capture is estimated at under the 3 M lines of C1's break-even
    long kbuild = traceLines(Path.of("..", "traces", "kbuild-j2.perf.txt.xz"));
    assertThat(kbuild).isBetween(500_000L, 1_000_000L);
  }

  @Test
  void onlyAReplayOfAtMostAbout3MLinesRunsC1Alone() throws Exception {
    Path small = tmp.resolve("small.xz");
    Files.write(small, new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0});
    Path big = tmp.resolve("big.xz"); // 16 MB of xz: about 3.2 M lines
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.write(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0});
      f.setLength(16_000_000);
    }
    assertThat(call("choose_jit", "replay", small)).isEqualTo("quick");
    assertThat(call("choose_jit", "replay", "--allocator", "buddy", small)).isEqualTo("quick");
    assertThat(call("choose_jit", "replay", big)).isEqualTo("full");
    assertThat(call("choose_jit", "run", "--workload", "kernel-build")).isEqualTo("full");
    assertThat(call("choose_jit", "compare")).isEqualTo("full");
    assertThat(call("choose_jit")).isEqualTo("full");
  }

  @Test
  void anUnknownJitIsRefusedBeforeTheBuild() throws Exception {
    Result r = bash(List.of("ASI_SIM_JIT=fast"), LAUNCHER.toString(), "--version");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("asi-sim: ASI_SIM_JIT=fast: unknown (valid: auto, full, quick)\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void badDaemonSettingsAreRefusedBeforeTheBuild() throws Exception {
    Result r = bash(List.of("ASI_SIM_DAEMON=yes"), LAUNCHER.toString(), "--version");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("asi-sim: ASI_SIM_DAEMON=yes: unknown (valid: 0, 1, stop)\n");
    r = bash(List.of("ASI_SIM_DAEMON=1", "ASI_SIM_DAEMON_IDLE=10m"), LAUNCHER.toString(), "--version");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("asi-sim: ASI_SIM_DAEMON_IDLE=10m: not a number of seconds (valid: 0 to 999999999)\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void stopEndsTheDaemonsAndNoOtherProcess() throws Exception {
    String uid = bash(List.of(), "-c", "id -u").out().strip();
    Path dir = Files.createDirectories(tmp.resolve("asi-sim-" + uid));
    // a stand-in daemon (its command line names the daemon's class) and an unrelated process
    Process daemon = new ProcessBuilder("bash", "-c", "sleep 60; true", "io.asisim.cli.Daemon", "x.sock").start();
    Process other = new ProcessBuilder("bash", "-c", "sleep 60; true", "other").start();
    try {
      Files.writeString(dir.resolve("a.pid"), daemon.pid() + "\n");
      Files.writeString(dir.resolve("b.pid"), other.pid() + "\n");
      Files.writeString(dir.resolve("c.pid"), "999999999\n"); // gone long ago
      for (String f : List.of("a.lock", "a.log", "b.log", "d.lock", "d.log", "d.sock")) { // d: a daemon gone before
        Files.writeString(dir.resolve(f), "");
      }
      Thread.sleep(200); // until both have exec'd bash with their arguments
      Result r = bash(List.of("ASI_SIM_DAEMON=stop", "TMPDIR=" + tmp), LAUNCHER.toString());
      assertThat(r.status()).as(r.err()).isZero();
      assertThat(r.err()).isEqualTo("asi-sim: stopped daemon " + daemon.pid() + "\n");
      assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(other.isAlive()).isTrue();
      try (var files = Files.list(dir)) {
        assertThat(files).as("every pid file is gone, and the logs, locks and sockets with them").isEmpty();
      }
      // nothing to stop: silent
      r = bash(List.of("ASI_SIM_DAEMON=stop", "TMPDIR=" + tmp.resolve("none")), LAUNCHER.toString());
      assertThat(r.status()).isZero();
      assertThat(r.err()).isEmpty();
    } finally {
      daemon.destroyForcibly();
      other.destroyForcibly();
    }
  }
}
