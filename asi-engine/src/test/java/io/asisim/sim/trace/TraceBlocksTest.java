package io.asisim.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.api.trace.TraceRecord.Kind;
import io.asisim.sim.BadInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The block-parallel parse ({@link TraceBlocks}) against an oracle that reads the lines one after
 * another with {@link LineReader}, as the loader did before blocks: on random traces with every
 * kind of line (page, slab and compaction events, headers, lost-event notices, junk, CRLF, lines
 * just under, at and over {@link LineReader#MAX_LINE}, a line longer than a block, no final
 * newline), with the smallest blocks and 1 to 4 threads, every event, summary field, cache id,
 * strict-mode error, {@code maxEvents} cut and corrupt-stream message must be the oracle's.
 */
class TraceBlocksTest {
  /** The smallest block a reader accepts: a text of 1 MB spans about eight. */
  private static final int SMALL = LineReader.MAX_LINE + 2 + 2 * LineReader.READ;
  private static final String NO_EVENTS = "no alloc/free events";
  private static final String[] CACHES = {"filp", "dentry", "kmalloc-64", "vm_area_struct", "anon_vma", "skbuff_head_cache"};

  @Test
  void randomTracesParseAsLineByLineWhateverTheThreadsAndBlocks() throws IOException {
    for (int seed = 1; seed <= 24; seed++) {
      Random rnd = new Random(seed);
      byte[] text = trace(rnd, 300 + rnd.nextInt(9000));
      Outcome expected = oracle(new ByteArrayInputStream(text), false, 0);
      for (int threads : new int[] {1, 2, 4}) {
        assertThat(parsed(new ByteArrayInputStream(text), false, 0, threads, SMALL)).as("seed %d, %d threads", seed,
            threads).isEqualTo(expected);
      }
      assertThat(parsed(new ByteArrayInputStream(text), false, 0, 2, TraceBlockReader.CAPACITY)).isEqualTo(expected);
      int events = expected.pfn.size();
      for (long max : new long[] {1, 1 + rnd.nextInt(Math.max(1, events)), events, events + 1L}) {
        Outcome cut = oracle(new ByteArrayInputStream(text), false, max);
        assertThat(parsed(new ByteArrayInputStream(text), false, max, 3, SMALL)).as("seed %d, max %d", seed, max)
            .isEqualTo(cut);
      }
      Outcome strict = oracle(new ByteArrayInputStream(text), true, 0);
      assertThat(parsed(new ByteArrayInputStream(text), true, 0, 3, SMALL)).as("seed %d strict", seed).isEqualTo(strict);
      int at = rnd.nextInt(text.length);
      Outcome broken = oracle(new Failing(text, at), false, 0);
      assertThat(broken.error).as("seed %d fails", seed).isNotNull();
      assertThat(parsed(new Failing(text, at), false, 0, 3, SMALL)).as("seed %d failing at %d", seed, at)
          .isEqualTo(broken);
    }
  }

  @Test
  void aStreamFailingInsideALongLineReportsThatLine() throws IOException {
    String ok = Traces.alloc(0, 0x1000, 0, "GFP_KERNEL") + "\n";
    byte[] text = (ok + "x".repeat(3 * LineReader.READ) + "\n" + ok).getBytes(StandardCharsets.ISO_8859_1);
    for (int at : new int[] {ok.length() + LineReader.MAX_LINE + 5, ok.length() + 2 * LineReader.READ + 7}) {
      Outcome o = parsed(new Failing(text, at), false, 0, 2, SMALL);
      assertThat(o.error).startsWith("t.txt:2: ");
      assertThat(o).isEqualTo(oracle(new Failing(text, at), false, 0));
    }
  }

  @Test
  void aLineLongerThanABlockIsKeptToTheLinesStartAndSkipped() throws IOException {
    String ok = Traces.free(1, 0x2000, 0) + "\n";
    byte[] text = (ok + "y".repeat(SMALL + 5) + "\r\n" + ok).getBytes(StandardCharsets.ISO_8859_1);
    Outcome o = parsed(new ByteArrayInputStream(text), false, 0, 2, SMALL);
    assertThat(o.summary.lines()).isEqualTo(3);
    assertThat(o.summary.skippedLines()).isEqualTo(1);
    assertThat(o.summary.firstSkipped()).containsExactly(new TraceSummary.SkippedLine(2, TraceBlock.TOO_LONG));
    assertThat(o.pfn).containsExactly(0x2000L, 0x2000L);
    Outcome strict = parsed(new ByteArrayInputStream(text), true, 0, 2, SMALL);
    assertThat(strict.error).startsWith("t.txt:2: " + TraceBlock.TOO_LONG).contains("line: 'yyyyy");
  }

  @Test
  void aFormatThatKeepsStateGetsOneInstanceAndEveryLineInOrder() {
    // a format of its own: line k is an allocation of pfn k (it counts the lines it was given)
    List<io.asisim.api.trace.TraceFormat> made = new ArrayList<>();
    java.util.function.Supplier<io.asisim.api.trace.TraceFormat> formats = () -> {
      io.asisim.api.trace.TraceFormat f = new io.asisim.api.trace.TraceFormat() {
        private long seen;

        @Override
        public boolean recognizes(String line) {
          return true;
        }

        @Override
        public Kind parse(CharSequence line, TraceRecord out) {
          out.clear();
          out.event = Event.MM_PAGE_ALLOC;
          out.pfn = seen++;
          return out.kind = Kind.ALLOC;
        }
      };
      made.add(f);
      return f;
    };
    int lines = 3 * SMALL / 10;
    byte[] text = "0123456789\n".repeat(lines).getBytes(StandardCharsets.ISO_8859_1);
    ParsedTrace.Builder b = new ParsedTrace.Builder();
    TraceTally t = TraceBlocks.parse(new ByteArrayInputStream(text), "t.txt", "plain text", formats, false, 0, b,
        4, SMALL);
    ParsedTrace p = b.build(null);
    assertThat(made).hasSize(1);
    assertThat(t.lines).isEqualTo(lines);
    for (int k = 0; k < lines; k++) {
      assertThat(p.pfn(k)).isEqualTo(k);
    }
  }

  @Test
  void theThreadCountComesFromItsPropertyOrTheProcessors() {
    String saved = System.getProperty("asisim.parse.threads");
    try {
      System.clearProperty("asisim.parse.threads");
      assertThat(TraceBlocks.threads())
          .isEqualTo(Math.min(TraceBlocks.MAX_THREADS, Runtime.getRuntime().availableProcessors()));
      System.setProperty("asisim.parse.threads", " 3");
      assertThat(TraceBlocks.threads()).isEqualTo(3);
      for (String bad : new String[] {"0", "257", "two", ""}) {
        System.setProperty("asisim.parse.threads", bad);
        assertThatThrownBy(TraceBlocks::threads).isInstanceOf(BadInputException.class)
            .hasMessage("-Dasisim.parse.threads=" + bad + ": not a thread count (valid: 1..256)");
      }
    } finally {
      if (saved == null) {
        System.clearProperty("asisim.parse.threads");
      } else {
        System.setProperty("asisim.parse.threads", saved);
      }
    }
  }

  /** What a parse gave: the events, the summary, or the one-line error. */
  private record Outcome(List<Long> pfn, List<Integer> gfp, List<String> event, List<Integer> cache,
      List<String> cacheNames, List<Integer> cacheSizes, TraceSummary summary, String error) {}

  private static Outcome parsed(InputStream in, boolean strict, long max, int threads, int capacity) {
    try {
      return outcome(TraceLoader.parse(in, "t.txt", "perf-script", strict, max, threads, capacity));
    } catch (BadInputException e) {
      return error(e.getMessage().contains("no mm_page_alloc/mm_page_free events") ? NO_EVENTS : e.getMessage());
    }
  }

  private static Outcome outcome(ParsedTrace t) {
    List<Long> pfn = new ArrayList<>();
    List<Integer> gfp = new ArrayList<>();
    List<String> event = new ArrayList<>();
    List<Integer> cache = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      pfn.add(t.pfn(i));
      gfp.add(t.gfp(i));
      event.add(t.event(i) + "/" + t.order(i) + "/" + t.cpu(i));
      cache.add(t.cache(i));
    }
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < t.cacheNames().size(); i++) {
      sizes.add(t.cacheSize(i));
    }
    return new Outcome(pfn, gfp, event, cache, t.cacheNames(), sizes, t.summary(), null);
  }

  /** The loader's loop before blocks: one line at a time from a {@link LineReader}. */
  private static Outcome oracle(InputStream in, boolean strict, long max) throws IOException {
    KmemTextFormat f = new KmemTextFormat(KmemTextFormat.Dialect.PERF_SCRIPT);
    LineReader r = new LineReader(in);
    TraceRecord rec = new TraceRecord();
    List<Long> pfn = new ArrayList<>();
    List<Integer> gfp = new ArrayList<>();
    List<String> event = new ArrayList<>();
    List<Integer> cache = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    List<String> names = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    long[] counts = new long[Event.values().length];
    long[] compaction = new long[CompactionFields.TALLY];
    long other = 0;
    long skipped = 0;
    long lost = 0;
    int maxCpu = 0;
    boolean stopped = false;
    List<TraceSummary.SkippedLine> first = new ArrayList<>();
    while (true) {
      try {
        if (!r.next()) {
          break;
        }
      } catch (IOException e) {
        return error("t.txt:" + (r.lineNumber() + 1) + ": " + TraceInput.streamError("plain text", e));
      }
      Kind k;
      if (r.tooLong()) {
        rec.clear();
        rec.error = TraceBlock.TOO_LONG;
        k = Kind.MALFORMED;
      } else {
        k = f.parse(r.line(), rec);
      }
      switch (k) {
        case ALLOC, FREE, SLAB_ALLOC, SLAB_FREE -> {
          counts[rec.event.ordinal()]++;
          maxCpu = Math.max(maxCpu, rec.cpu);
          boolean slab = k == Kind.SLAB_ALLOC || k == Kind.SLAB_FREE;
          pfn.add(slab ? rec.ptr : rec.pfn);
          gfp.add(rec.gfpMask);
          event.add(rec.event + "/" + rec.order + "/" + rec.cpu);
          int id = -1;
          if (k == Kind.SLAB_ALLOC) {
            id = ids.computeIfAbsent(rec.cache, n -> {
              names.add(n);
              sizes.add(rec.bytesAlloc);
              return names.size() - 1;
            });
          }
          cache.add(id);
        }
        case OTHER -> {
          counts[rec.event.ordinal()]++;
          other++;
          CompactionFields.tally(compaction, rec);
        }
        case IGNORED -> lost += rec.lostEvents;
        default -> {
          skipped++;
          if (strict) {
            return error("t.txt:" + r.lineNumber() + ": " + rec.error + " (strict mode: every line must be a kmem "
                + "event or a header; line: '" + TraceLoader.excerpt(r.line().toString()) + "')");
          }
          if (first.size() < TraceLoader.REPORTED_SKIPS) {
            first.add(new TraceSummary.SkippedLine(r.lineNumber(), rec.error));
          }
        }
      }
      if (max > 0 && pfn.size() >= max) {
        stopped = true;
        break;
      }
    }
    if (pfn.isEmpty()) {
      return error(NO_EVENTS);
    }
    Map<Event, Long> events = new EnumMap<>(Event.class);
    for (Event e : Event.values()) {
      events.put(e, counts[e.ordinal()]);
    }
    TraceSummary s = new TraceSummary("t.txt", "perf-script", "plain text", r.lineNumber(), events, other, skipped,
        lost, first, maxCpu, stopped, CompactionFields.summary(compaction));
    return new Outcome(pfn, gfp, event, cache, names, sizes, s, null);
  }

  private static Outcome error(String message) {
    return new Outcome(null, null, null, null, null, null, null, message);
  }

  /** A random perf-script text of {@code lines} lines of every kind. */
  private static byte[] trace(Random rnd, int lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < lines; i++) {
      String line = switch (rnd.nextInt(16)) {
        case 0, 1, 2 -> Traces.alloc(rnd.nextInt(4), 0x1000 + ((long) rnd.nextInt(5000) << 2), rnd.nextInt(3),
            rnd.nextBoolean() ? "GFP_KERNEL" : "GFP_HIGHUSER_MOVABLE|__GFP_ZERO");
        case 3, 4 -> Traces.free(rnd.nextInt(4), 0x1000 + ((long) rnd.nextInt(5000) << 2), 0);
        case 5 -> Traces.batched(rnd.nextInt(4), 0x3000 + rnd.nextInt(100));
        case 6 -> "            perf 17075 [001]  1740.177119: kmem:kmem_cache_alloc: call_site=x+0x3c ptr=0xffff88810"
            + Integer.toHexString(rnd.nextInt(1 << 20)) + " name=" + CACHES[rnd.nextInt(CACHES.length)]
            + " bytes_req=184 bytes_alloc=" + (64 << rnd.nextInt(3)) + " gfp_flags=GFP_KERNEL node=-1 accounted=true";
        case 7 -> "            perf 17075 [000]  1740.177037:          kmem:kmalloc: call_site=y+0x127 ptr=0xffff8881032e"
            + Integer.toHexString(rnd.nextInt(4096)) + " bytes_req=32 bytes_alloc=" + (8 << rnd.nextInt(6))
            + " gfp_flags=GFP_KERNEL node=-1 accounted=false";
        case 8 -> "            perf 17075 [001]  1740.177113:            kmem:kfree: call_site=z+0x17b ptr=0xffff8881032e2500";
        case 9 -> "              sh 30083 [001] 39281.032967: compaction:mm_compaction_isolate_migratepages: "
            + "range=(0x1 ~ 0x200) nr_scanned=" + rnd.nextInt(512) + " nr_taken=" + rnd.nextInt(32);
        case 10 -> rnd.nextBoolean() ? "# ========" : "";
        case 11 -> "asix: CPU:1 [" + rnd.nextInt(1000) + " EVENTS DROPPED]";
        case 12 -> rnd.nextBoolean() ? "junk " + rnd.nextInt() : "perf 1 [001] 298.5071x: kmem:mm_page_alloc: pfn=1";
        case 13 -> "z".repeat(LineReader.MAX_LINE - 2 + rnd.nextInt(5)) + (rnd.nextBoolean() ? "\r" : "");
        case 14 -> rnd.nextInt(8) == 0 ? "w".repeat(LineReader.READ + rnd.nextInt(3 * LineReader.READ)) : "#";
        default -> "            perf 17075 [001]  1740.177131:  kmem:kmem_cache_free: call_site=d+0xa2 ptr=0xffff8881053e4b40 "
            + "name=filp";
      };
      out.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
      if (i < lines - 1 || rnd.nextBoolean()) {
        out.writeBytes(rnd.nextInt(5) == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
      }
    }
    return out.toByteArray();
  }

  /** A stream of {@code text} that fails once {@code at} bytes have been read. */
  private static final class Failing extends InputStream {
    private final byte[] text;
    private final int at;
    private int pos;

    Failing(byte[] text, int at) {
      this.text = text;
      this.at = at;
    }

    @Override
    public int read() throws IOException {
      byte[] b = new byte[1];
      return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos >= at) {
        throw new IOException("injected failure at byte " + at);
      }
      int n = Math.min(len, Math.min(at, text.length) - pos);
      if (n <= 0) {
        return -1;
      }
      System.arraycopy(text, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
