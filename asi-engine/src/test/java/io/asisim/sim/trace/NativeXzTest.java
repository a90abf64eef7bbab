package io.asisim.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.asisim.sim.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system's {@code xz} as the decoder of a trace ({@link NativeXz}): the same events as the
 * Java decoder, the Java decoder's messages for a damaged or cut-off file, the Java decoder taking
 * over from a child that fails on a good file, and no child left behind. Skipped where no {@code xz}
 * is installed (the Java decoder is then the only one, and other tests cover it), but not in CI.
 */
class NativeXzTest {
  @TempDir
  Path tmp;

  /** This JVM's live xz children. */
  private static java.util.Set<Long> xzChildren() {
    return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .filter(h -> h.info().command().map(c -> c.endsWith("xz")).orElse(false)).map(ProcessHandle::pid)
        .collect(java.util.stream.Collectors.toSet());
  }

  /** Skips where no xz is installed, but fails in CI ({@code CI} set: .ci/run installs xz-utils). */
  private static Path requireXz() {
    Path xz = NativeXz.binary(Traces.resource("tar-gzip-docs.perf.txt.xz"));
    if (System.getenv("CI") != null) {
      assertThat(xz).as("xz(1) on the PATH (CI installs xz-utils)").isNotNull();
    }
    assumeTrue(xz != null, "no xz on the PATH");
    return xz;
  }

  private static ParsedTrace parse(Path file, boolean nativeXz) {
    TraceInput.Opened in = TraceInput.open(file, nativeXz);
    try (InputStream s = in.text()) {
      return TraceLoader.parse(s, file.toString(), "xz", "perf-script", false, 0);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String failure(Path file, boolean nativeXz) {
    try {
      parse(file, nativeXz);
    } catch (BadInputException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + file);
  }

  @Test
  void theSameEventsAsTheJavaDecoder() throws IOException {
    requireXz();
    Path trace = Traces.resource("tar-gzip-docs.perf.txt.xz");
    TraceInput.Opened opened = TraceInput.open(trace, true);
    assertThat(opened.decodedElsewhere()).isTrue();
    opened.text().close();
    ParsedTrace a = parse(trace, true);
    ParsedTrace b = parse(trace, false);
    assertThat(a.summary()).isEqualTo(b.summary());
    assertThat(a.size()).isEqualTo(72380);
    for (int i = 0; i < a.size(); i++) {
      if (a.pfn(i) != b.pfn(i) || a.gfp(i) != b.gfp(i) || a.event(i) != b.event(i) || a.order(i) != b.order(i)
          || a.cpu(i) != b.cpu(i)) {
        throw new AssertionError("event " + i + " differs");
      }
    }
  }

  @Test
  void aDamagedOrCutFileFailsWithTheJavaDecodersMessage() throws IOException {
    requireXz();
    byte[] xz = Files.readAllBytes(Traces.resource("tar-gzip-docs.perf.txt.xz"));
    byte[] flipped = xz.clone();
    flipped[flipped.length / 2] ^= 0x55;
    Path damaged = tmp.resolve("flipped.xz");
    Files.write(damaged, flipped);
    Path cut = tmp.resolve("cut.xz");
    Files.write(cut, Arrays.copyOf(xz, xz.length / 3));
    Path noIndex = tmp.resolve("no-index.xz"); // the data is whole, the stream's index and footer are not
    Files.write(noIndex, Arrays.copyOf(xz, xz.length - 20));
    for (Path f : new Path[] {damaged, cut, noIndex}) {
      String nativeMessage = failure(f, true);
      String javaMessage = failure(f, false);
      // the text after file:line is the Java decoder's; the line is where each decoder's output ended
      assertThat(nativeMessage.replaceFirst(":\\d+: ", ": ")).as(f.toString())
          .isEqualTo(javaMessage.replaceFirst(":\\d+: ", ": "));
      assertThat(nativeMessage).startsWith(f + ":").contains(" xz stream: ").doesNotContain("Exception")
          .doesNotContain("\n");
    }
    assertThat(failure(cut, true)).contains("truncated or corrupt xz stream: unexpected end of data");
  }

  @Test
  void aBadStreamHeaderFailsBeforeXzIsStarted() throws IOException {
    Path f = tmp.resolve("header.xz");
    Files.write(f, new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 9, 9, 9, 9, 9, 9});
    java.util.Set<Long> before = xzChildren();
    assertThatThrownBy(() -> TraceInput.open(f, true)).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(f + ": corrupt xz stream: ");
    assertThat(xzChildren()).isSubsetOf(before);
  }

  @Test
  void closingEarlyStopsTheChild() throws IOException {
    requireXz();
    java.util.Set<Long> before = xzChildren();
    TraceInput.Opened in = TraceInput.open(Traces.resource("tar-gzip-docs.perf.txt.xz"), true);
    assertThat(in.text().read(new byte[100])).isEqualTo(100);
    assertThat(xzChildren()).hasSize(before.size() + 1);
    in.text().close();
    // destroy() sends SIGTERM: wait for the child to go
    for (int i = 0; i < 200 && !before.containsAll(xzChildren()); i++) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    assertThat(xzChildren()).isSubsetOf(before);
  }

  /**
   * An {@code xz} that fails on a good file (not XZ Utils', killed, out of memory), here after 100 000
   * bytes: the Java decoder goes on from there, and the events are all there, once each.
   */
  @Test
  void aChildThatFailsOnAGoodFileIsTakenOverByTheJavaDecoder() throws IOException {
    Path real = requireXz();
    for (int bytes : new int[] {0, 100_000}) {
      Path fake = tmp.resolve("xz-" + bytes);
      Files.writeString(fake, "#!/bin/sh\nfor a; do f=$a; done\n'" + real + "' -dc -- \"$f\" | head -c " + bytes
          + "\nexit 1\n");
      assertThat(fake.toFile().setExecutable(true)).isTrue();
      String before = System.getProperty(NativeXz.PROPERTY);
      System.setProperty(NativeXz.PROPERTY, fake.toString());
      try {
        Path trace = Traces.resource("tar-gzip-docs.perf.txt.xz");
        assertThat(NativeXz.binary(trace)).isEqualTo(fake);
        ParsedTrace a = parse(trace, true);
        ParsedTrace b = parse(trace, false);
        assertThat(a.summary()).isEqualTo(b.summary());
        assertThat(a.pfn(a.size() - 1)).isEqualTo(b.pfn(b.size() - 1));
      } finally {
        if (before == null) {
          System.clearProperty(NativeXz.PROPERTY);
        } else {
          System.setProperty(NativeXz.PROPERTY, before);
        }
      }
    }
  }

  @Test
  void onlyARegularFileGoesToTheChild() {
    assertThat(NativeXz.binary(tmp)).isNull(); // a directory; a pipe cannot be opened a second time either
  }

  @Test
  void theJavaDecoderWhenAskedFor() throws IOException {
    String before = System.getProperty(NativeXz.PROPERTY);
    System.setProperty(NativeXz.PROPERTY, "java");
    try {
      assertThat(NativeXz.binary(Traces.resource("tar-gzip-docs.perf.txt.xz"))).isNull();
      TraceInput.Opened in = TraceInput.open(Traces.resource("tar-gzip-docs.perf.txt.xz"), true);
      assertThat(in.decodedElsewhere()).isFalse();
      in.text().close();
    } finally {
      if (before == null) {
        System.clearProperty(NativeXz.PROPERTY);
      } else {
        System.setProperty(NativeXz.PROPERTY, before);
      }
    }
  }
}
