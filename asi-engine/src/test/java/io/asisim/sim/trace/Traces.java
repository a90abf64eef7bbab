package io.asisim.sim.trace;

import java.io.ByteArrayInputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Test fixtures: the captured traces under src/test/resources/traces, the repository's own
 * {@code traces/} (committed once, shared with the CLI and the benchmarks), and hand-made text.
 */
final class Traces {
  private Traces() {}

  /** A captured trace in src/test/resources/traces, or else in the repository's {@code traces/}. */
  static Path resource(String name) {
    java.net.URL url = Traces.class.getResource("/traces/" + name);
    if (url == null) {
      return repositoryTrace(name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code traces/NAME} of the reactor root: the nearest ancestor of the working directory that has it. */
  static Path repositoryTrace(String name) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path p = d.resolve("traces").resolve(name);
      if (java.nio.file.Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new IllegalStateException("no traces/" + name + " above " + Path.of("").toAbsolutePath());
  }

  /** Parses hand-made lines as perf script text. */
  static ParsedTrace perf(String... lines) {
    return parse("perf-script", lines);
  }

  static ParsedTrace parse(String format, String... lines) {
    String text = String.join("\n", lines) + "\n";
    return TraceLoader.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), "test.txt",
        "plain text", format, false, 0);
  }

  /** A perf script mm_page_alloc line. */
  static String alloc(int cpu, long pfn, int order, String gfp) {
    return String.format(java.util.Locale.ROOT, "            perf  6291 [%03d]   298.507100:         kmem:mm_page_alloc: page=0x%x pfn=0x%x "
        + "order=%d migratetype=0 gfp_flags=%s", cpu, pfn, pfn, order, gfp);
  }

  /** A perf script mm_page_free line. */
  static String free(int cpu, long pfn, int order) {
    return String.format(java.util.Locale.ROOT, "            perf  6291 [%03d]   298.507200:          kmem:mm_page_free: page=0x%x pfn=0x%x "
        + "order=%d", cpu, pfn, pfn, order);
  }

  /** A perf script mm_page_free_batched line. */
  static String batched(int cpu, long pfn) {
    return String.format(java.util.Locale.ROOT, "            perf  6291 [%03d]   298.507300:  kmem:mm_page_free_batched: page=0x%x pfn=0x%x "
        + "order=0", cpu, pfn, pfn);
  }
}
