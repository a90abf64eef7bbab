package io.asisim.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A trace longer than {@link ParsedTrace#inMemoryLimit()} is counted, not held, and each replay
 * streams it from its source again (docs/testing.md, "Traces in bounded memory"): the streamed
 * replay gives the same metrics as the in-memory one, and a generated trace of 200 MB (the
 * {@code soak} profile: 3 GiB) replays in a forked JVM with {@code -Xmx64m}, every event counted.
 */
class BoundedMemoryReplayTest {
  private static final Pattern RESULT = Pattern.compile("lines=(\\d+) events=(\\d+) replayed=(\\d+) unmatched=(\\d+) "
      + "inMemory=(\\w+) maxUsedMiB=(\\d+) maxHeapMiB=(\\d+)");

  private static Map<String, Long> replay(ParsedTrace t) {
    Metrics metrics = new Metrics();
    TraceWorkload w = new TraceWorkload(t, 0, metrics);
    RefKernel k = new RefKernel(1 << 16, 4);
    for (long i = 0; i < w.ops(); i++) {
      w.step(k, i);
    }
    w.tearDown(k);
    Map<String, Long> out = new TreeMap<>();
    for (Map.Entry<String, Counter> e : metrics.all().entrySet()) {
      out.put(e.getKey(), e.getValue().get());
    }
    return out;
  }

  @Test
  void aStreamedCaptureReplaysExactlyAsTheHeldOne() {
    Path xz = Traces.resource("tar-gzip-docs.perf.txt.xz");
    ParsedTrace held = TraceLoader.load(xz, "perf-script", false, 0);
    ParsedTrace streamed = TraceLoader.parse(() -> TraceInput.open(xz).text(), xz.toString(), "xz", "perf-script",
        () -> new KmemTextFormat(KmemTextFormat.Dialect.PERF_SCRIPT), false, 0, 1000);
    assertThat(held.inMemory()).isTrue();
    assertThat(streamed.inMemory()).isFalse();
    assertThat(streamed.size()).isEqualTo(held.size()).isGreaterThan(1000);
    assertThat(streamed.summary()).isEqualTo(held.summary());
    Map<String, Long> a = replay(held);
    assertThat(a.get("trace_events")).isEqualTo(held.size());
    assertThat(replay(streamed)).isEqualTo(a);
    // each replay streams on its own: a second one gives the same again
    assertThat(replay(streamed)).isEqualTo(a);
  }

  @Test
  void streamedEventsComeInOrderOnly() {
    ParsedTrace t = TraceLoader.parse(() -> new GeneratedTrace(1), "generated", "plain text", "perf-script",
        () -> new KmemTextFormat(KmemTextFormat.Dialect.PERF_SCRIPT), false, 0, 10);
    TraceEvents e = t.events();
    assertThat(e.pfn(0)).isEqualTo(0x100000);
    assertThat(e.isAlloc(0)).isTrue();
    assertThat(e.isAlloc(1)).isFalse();
    assertThat(e.cpu(2)).isEqualTo(1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> e.pfn(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void twoHundredMegabytesReplayInSixtyFourMegabytesOfHeap() throws Exception {
    forkAndCheck(200L << 20);
  }

  /** The soak profile ({@code mvn -Psoak}, docs/testing.md): 3 GiB of trace text, same heap. */
  @Test
  @EnabledIfSystemProperty(named = "asisim.soak", matches = "true")
  void threeGigabytesReplayInSixtyFourMegabytesOfHeap() throws Exception {
    forkAndCheck(3L << 30);
  }

  private static void forkAndCheck(long bytes) throws IOException, InterruptedException {
    long cycles = GeneratedTrace.cyclesFor(bytes);
    long events = cycles * GeneratedTrace.CYCLE_EVENTS;
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-cp", System.getProperty("java.class.path"), BigTraceReplay.class.getName(), Long.toString(bytes)))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    Matcher m = RESULT.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Long.parseLong(m.group(1))).as("lines").isEqualTo(events);
    assertThat(Long.parseLong(m.group(2))).as("events").isEqualTo(events);
    assertThat(Long.parseLong(m.group(3))).as("replayed").isEqualTo(events);
    assertThat(Long.parseLong(m.group(4))).as("unmatched frees").isZero();
    assertThat(m.group(5)).as("streamed, not held").isEqualTo("false");
    // the bound that matters is -Xmx itself (past it the child dies of OutOfMemoryError): check it held
    assertThat(Long.parseLong(m.group(7))).as("max heap: -Xmx64m applied").isLessThanOrEqualTo(64);
    assertThat(Long.parseLong(m.group(6))).as("heap used").isLessThanOrEqualTo(64);
  }
}
