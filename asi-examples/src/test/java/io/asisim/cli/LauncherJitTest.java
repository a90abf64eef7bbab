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
 * The launcher's choice of JIT (the {@code asi-sim} script; docs/performance.md, "The JIT on two
 * cores"): the trace size estimate that sends a short replay to C1 alone, and a bad
 * {@code ASI_SIM_JIT} refused before anything is built.
 */
class LauncherJitTest {
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
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  /** The launcher's {@code trace_lines} function alone, applied to {@code files}. */
  private static long traceLines(Path... files) throws IOException, InterruptedException {
    String script = Files.readString(LAUNCHER);
    int start = script.indexOf("trace_lines() {");
    int end = script.indexOf("\n}\n", start) + 3;
    assertThat(start).isPositive();
    StringBuilder call = new StringBuilder(script.substring(start, end)).append("trace_lines");
    for (Path f : files) {
      call.append(" '").append(f).append('\'');
    }
    Result r = bash(List.of(), "-c", call.toString());
    assertThat(r.status()).as(r.err()).isZero();
    return Long.parseLong(r.out().strip());
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
  void anUnknownJitIsRefusedBeforeTheBuild() throws Exception {
    Result r = bash(List.of("ASI_SIM_JIT=fast"), LAUNCHER.toString(), "--version");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("asi-sim: ASI_SIM_JIT=fast: unknown (valid: auto, full, quick)\n");
    assertThat(r.out()).isEmpty();
  }
}
