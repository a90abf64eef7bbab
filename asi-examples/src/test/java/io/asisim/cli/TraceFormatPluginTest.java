package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asisim.fixtures.PluginJars;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party trace format, compiled at test time into a jar outside the classpath, is a plugin
 * like any other: {@code plugins} lists it, {@code replay --trace-format NAME} reads a trace with it,
 * and {@code auto} sniffs it through its {@code recognizes()}.
 */
class TraceFormatPluginTest {
  @TempDir
  Path tmp;

  /** "A cpu pfn order" / "F cpu pfn order" lines, one event each; "#" lines are comments. */
  private static final String SOURCE = "package org.example.fmt;\n"
      + "import io.asisim.api.plugin.*;\n"
      + "import io.asisim.api.trace.*;\n"
      + "public final class TinyTraceFormat implements Plugin<TraceFormat> {\n"
      + "  public PluginKind kind() { return PluginKind.TRACE_FORMAT; }\n"
      + "  public String name() { return \"tiny-trace\"; }\n"
      + "  public String description() { return \"throw-away test format: 'A|F cpu pfn order' per line\"; }\n"
      + "  public TraceFormat create(Params p, SimContext ctx) {\n"
      + "    return new TraceFormat() {\n"
      + "      public boolean recognizes(String line) { return line.matches(\"[AF] \\\\d+ \\\\d+ \\\\d+\"); }\n"
      + "      public TraceRecord.Kind parse(CharSequence line, TraceRecord out) {\n"
      + "        out.clear();\n"
      + "        String s = line.toString().trim();\n"
      + "        if (s.isEmpty() || s.startsWith(\"#\")) { return out.kind = TraceRecord.Kind.IGNORED; }\n"
      + "        if (!recognizes(s)) { out.error = \"not 'A|F cpu pfn order'\"; return out.kind = TraceRecord.Kind.MALFORMED; }\n"
      + "        String[] f = s.split(\" \");\n"
      + "        boolean alloc = f[0].equals(\"A\");\n"
      + "        out.event = alloc ? TraceRecord.Event.MM_PAGE_ALLOC : TraceRecord.Event.MM_PAGE_FREE;\n"
      + "        out.cpu = Integer.parseInt(f[1]);\n"
      + "        out.pfn = Long.parseLong(f[2]);\n"
      + "        out.order = Integer.parseInt(f[3]);\n"
      + "        out.gfpMask = alloc ? 0xcc0 : 0;\n"
      + "        return out.kind = alloc ? TraceRecord.Kind.ALLOC : TraceRecord.Kind.FREE;\n"
      + "      }\n"
      + "    };\n"
      + "  }\n"
      + "}\n";

  @Test
  void compiledTraceFormatIsListedSelectedByNameAndSniffed() throws Exception {
    Path jar = PluginJars.build(tmp.resolve("jar"), "org.example.fmt.TinyTraceFormat", SOURCE);
    StringBuilder text = new StringBuilder("# tiny trace: 30 allocs on 2 CPUs, 20 of them freed\n");
    for (int i = 0; i < 30; i++) {
      text.append("A ").append(i % 2).append(' ').append(0x1000 + 2 * i).append(" 1\n");
    }
    for (int i = 0; i < 20; i++) {
      text.append("F ").append(i % 2).append(' ').append(0x1000 + 2 * i).append(" 1\n");
    }
    Path trace = Files.writeString(tmp.resolve("tiny.txt"), text);

    Cli without = Cli.run("replay", trace.toString(), "--trace-format", "tiny-trace");
    assertThat(without.code).isEqualTo(2);
    assertThat(without.err.strip())
        .isEqualTo("asi-sim: --trace-format 'tiny-trace' (valid: auto, perf-script, trace-cmd)");

    try (URLClassLoader loader = PluginJars.loader(List.of(jar))) {
      JsonNode listed = null;
      for (JsonNode p : new ObjectMapper().readTree(Cli.run(loader, "plugins", "--format", "json").out).get("plugins")) {
        if (p.get("name").asText().equals("tiny-trace")) {
          listed = p;
        }
      }
      assertThat(listed).as("plugins lists the jar's format").isNotNull();
      assertThat(listed.get("kind").asText()).isEqualTo("trace-format");
      assertThat(listed.get("class").asText()).isEqualTo("org.example.fmt.TinyTraceFormat");

      for (String format : new String[] {"tiny-trace", "auto"}) {
        Cli replay = Cli.run(loader, "replay", trace.toString(), "--trace-format", format, "--memory", "256M",
            "--allocator", "pageblock-migratetype", "--format", "json");
        assertThat(replay.code).as(format + ": " + replay.err).isZero();
        JsonNode root = new ObjectMapper().readTree(replay.out);
        assertThat(root.get("trace").get("format").asText()).as(format).isEqualTo("tiny-trace");
        assertThat(root.get("trace").get("max_cpu").asInt()).isEqualTo(1);
        assertThat(root.get("trace").get("replayable_events").asLong()).isEqualTo(50);
        JsonNode rows = root.get("replay").get("metrics").get("trace_events").get("rows");
        assertThat(rows).hasSize(2); // the ASI-off baseline and the strategy
        for (JsonNode row : rows) {
          assertThat(row.get("mean").asLong()).as(format + " " + row.get("variant")).isEqualTo(50);
        }
      }
    }
  }
}
