package io.asisim.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Kind;
import io.asisim.sim.BadInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * More of the block parse against the line-by-line reading: the stream failing with an
 * {@code IOException}, a runtime exception or an error at any byte, strict or not, on one thread
 * or three; a trace streamed past its in-memory limit keeping the cache ids a held one gets, with
 * caches first seen after the spill; and a trace-format plugin that throws, behind a strict-mode
 * error or a {@code maxEvents} cut and in front of them.
 */
class TraceBlocksFailureTest {
  private static final int SMALL = LineReader.MAX_LINE + 2 + 2 * LineReader.READ;

  static final class Boom extends InputStream {
    final byte[] text; final int at; final int kind; int pos;
    Boom(byte[] text, int at, int kind) { this.text = text; this.at = at; this.kind = kind; }
    @Override public int read() { throw new UnsupportedOperationException(); }
    @Override public int read(byte[] b, int off, int len) throws IOException {
      if (pos >= at) {
        if (kind == 0) throw new IOException("io at " + at);
        if (kind == 1) throw new IllegalStateException("rt at " + at);
        throw new AssertionError("err at " + at);
      }
      int n = Math.min(len, Math.min(at, text.length) - pos);
      if (n <= 0) return -1;
      System.arraycopy(text, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  private static String outcomeNew(InputStream in, boolean strict, int threads) {
    try {
      ParsedTrace t = TraceLoader.parse(in, "t.txt", "perf-script", strict, 0, threads, SMALL);
      return "ok lines=" + t.summary().lines() + " size=" + t.size() + " skipped=" + t.summary().skippedLines();
    } catch (BadInputException e) {
      return "bad " + e.getMessage();
    } catch (RuntimeException | Error e) {
      return "thrown " + e.getClass().getSimpleName() + " " + e.getMessage();
    }
  }

  /** The old loop (skeleton: lines, events, strict, stream failures of every kind). */
  private static String outcomeOld(InputStream in, boolean strict) {
    KmemTextFormat f = new KmemTextFormat(KmemTextFormat.Dialect.PERF_SCRIPT);
    LineReader r = new LineReader(in);
    TraceRecord rec = new TraceRecord();
    long size = 0, skipped = 0;
    try {
      while (true) {
        try {
          if (!r.next()) break;
        } catch (IOException e) {
          return "bad t.txt:" + (r.lineNumber() + 1) + ": " + TraceInput.streamError("plain text", e);
        }
        Kind k;
        if (r.tooLong()) { rec.clear(); rec.error = TraceBlock.TOO_LONG; k = Kind.MALFORMED; } else { k = f.parse(r.line(), rec); }
        switch (k) {
          case ALLOC, FREE, SLAB_ALLOC, SLAB_FREE -> size++;
          case OTHER, IGNORED -> { }
          default -> {
            skipped++;
            if (strict) {
              return "bad t.txt:" + r.lineNumber() + ": " + rec.error + " (strict mode: every line must be a kmem "
                  + "event or a header; line: '" + TraceLoader.excerpt(r.line().toString()) + "')";
            }
          }
        }
      }
    } catch (RuntimeException | Error e) {
      return "thrown " + e.getClass().getSimpleName() + " " + e.getMessage();
    }
    if (size == 0) return "bad no events";
    return "ok lines=" + r.lineNumber() + " size=" + size + " skipped=" + skipped;
  }

  private static byte[] text(Random rnd, int lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < lines; i++) {
      String line = switch (rnd.nextInt(8)) {
        case 0, 1, 2 -> Traces.alloc(rnd.nextInt(4), 0x1000 + rnd.nextInt(5000), 0, "GFP_KERNEL");
        case 3, 4 -> Traces.free(rnd.nextInt(4), 0x1000 + rnd.nextInt(5000), 0);
        case 5 -> "junk " + rnd.nextInt();
        case 6 -> "z".repeat(LineReader.MAX_LINE - 1 + rnd.nextInt(3));
        default -> rnd.nextInt(30) == 0 ? "w".repeat(LineReader.READ + rnd.nextInt(2 * LineReader.READ)) : "#";
      };
      out.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
      out.writeBytes(rnd.nextInt(4) == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
    }
    return out.toByteArray();
  }

  @Test
  void everyFailureKindStrictOrNot() {
    int mismatches = 0;
    List<String> shown = new ArrayList<>();
    for (int seed = 1; seed <= 40; seed++) {
      Random rnd = new Random(seed);
      byte[] t = text(rnd, 2000 + rnd.nextInt(6000));
      for (int kind = 0; kind < 3; kind++) {
        int at = rnd.nextInt(t.length + 1);
        for (boolean strict : new boolean[] {false, true}) {
          String o = outcomeOld(new Boom(t, at, kind), strict);
          for (int th : new int[] {1, 3}) {
            String n = outcomeNew(new Boom(t, at, kind), strict, th);
            if (!o.equals(n)) {
              mismatches++;
              if (shown.size() < 5) shown.add("seed " + seed + " kind " + kind + " strict " + strict + " th " + th + "\n old " + o + "\n new " + n);
            }
          }
        }
      }
    }
    assertThat(shown).isEmpty();
    assertThat(mismatches).isZero();
  }

  @Test
  void spilledTraceKeepsCacheIdsAcrossBlocks() {
    StringBuilder sb = new StringBuilder();
    String[] names = {"filp", "dentry", "kmalloc-64", "vm_area_struct", "anon_vma"};
    Random rnd = new Random(7);
    int lines = 40000;
    for (int i = 0; i < lines; i++) {
      int c = i < lines / 2 ? rnd.nextInt(2) : rnd.nextInt(names.length); // later caches first seen after the spill
      sb.append("            perf 17075 [001]  1740.177119: kmem:kmem_cache_alloc: call_site=x+0x3c ptr=0xffff88810")
          .append(Integer.toHexString(i)).append(" name=").append(names[c]).append(" bytes_req=184 bytes_alloc=")
          .append(64 << c).append(" gfp_flags=GFP_KERNEL node=-1 accounted=true\n");
      if (i % 3 == 0) sb.append(Traces.alloc(0, 0x1000 + i, 0, "GFP_KERNEL")).append('\n');
    }
    byte[] text = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    assertThat(text.length).isGreaterThan(3 * TraceBlockReader.CAPACITY);
    java.util.function.Supplier<InputStream> in = () -> new ByteArrayInputStream(text);
    java.util.function.Supplier<io.asisim.api.trace.TraceFormat> f = () -> new KmemTextFormat(KmemTextFormat.Dialect.PERF_SCRIPT);
    ParsedTrace held = TraceLoader.parse(in, "t", "plain text", "perf-script", f, false, 0, Integer.MAX_VALUE);
    ParsedTrace streamed = TraceLoader.parse(in, "t", "plain text", "perf-script", f, false, 0, 1000);
    assertThat(held.inMemory()).isTrue();
    assertThat(streamed.inMemory()).isFalse();
    assertThat(streamed.size()).isEqualTo(held.size());
    assertThat(streamed.cacheNames()).isEqualTo(held.cacheNames());
    TraceEvents s = streamed.events();
    for (int i = 0; i < held.size(); i++) {
      assertThat(s.cache(i)).as("event %d", i).isEqualTo(held.cache(i));
      assertThat(s.pfn(i)).isEqualTo(held.pfn(i));
    }
    for (int i = 0; i < held.cacheNames().size(); i++) {
      assertThat(streamed.cacheSize(i)).isEqualTo(held.cacheSize(i));
    }
  }

  @Test
  void aThrowingFormatFailsWhereTheReadingWouldHaveFailed() {
    String ok = Traces.alloc(0, 0x1000, 0, "GFP_KERNEL");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40000; i++) {
      sb.append(i == 25003 ? "BOOM" : i == 24990 ? "junk" : ok).append('\n'); // in one block, a few lines apart
    }
    byte[] text = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    java.util.function.Supplier<io.asisim.api.trace.TraceFormat> boom = () -> new io.asisim.api.trace.TraceFormat() {
      private final KmemTextFormat kmem = new KmemTextFormat(KmemTextFormat.Dialect.PERF_SCRIPT);

      @Override public boolean recognizes(String line) {
        return true;
      }

      @Override public Kind parse(CharSequence line, TraceRecord out) {
        if (line.toString().equals("BOOM")) {
          throw new IllegalStateException("plugin bug");
        }
        return kmem.parse(line, out);
      }

      @Override public boolean linesIndependent() {
        return true;
      }
    };
    for (int threads : new int[] {1, 3}) {
      // behind the strict-mode error at line 24991
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> TraceBlocks.parse(new ByteArrayInputStream(text), "t.txt",
          "plain text", boom, true, 0, new ParsedTrace.Builder(), threads, SMALL))
          .isInstanceOf(BadInputException.class).hasMessageStartingWith("t.txt:24991: ");
      // behind the cut at the 24 980th event
      ParsedTrace.Builder b = new ParsedTrace.Builder();
      TraceTally t = TraceBlocks.parse(new ByteArrayInputStream(text), "t.txt", "plain text", boom, false, 24980, b,
          threads, SMALL);
      assertThat(b.size()).isEqualTo(24980);
      assertThat(t.lines).isEqualTo(24980);
      assertThat(t.stopped).isTrue();
      // in front of both: the plugin's own exception
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> TraceBlocks.parse(new ByteArrayInputStream(text), "t.txt",
          "plain text", boom, false, 0, new ParsedTrace.Builder(), threads, SMALL))
          .isInstanceOf(IllegalStateException.class).hasMessage("plugin bug");
    }
  }
}
