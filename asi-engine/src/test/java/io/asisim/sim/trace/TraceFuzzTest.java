package io.asisim.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Kind;
import io.asisim.fixtures.FuzzSweep;
import io.asisim.sim.BadInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Fuzz targets of the trace input (docs/testing.md): the kmem line parser of both dialects, and the
 * loader over plain, gzip and xz streams that may be cut or damaged. The property: nothing escapes
 * but the one-line {@link BadInputException} naming the file; an accepted trace's counts add up
 * (alloc/free events + other events + skipped + ignored lines = lines read, each as the format
 * classifies the decompressed text line by line); a parsed event fits the packed form replay reads
 * ({@link ParsedTrace}). The {@code @FuzzTest}s replay their corpus in {@code TraceFuzzTestInputs/}
 * in the suite and fuzz with {@code JAZZER_FUZZ=1}; the sweeps run the same targets on a fixed
 * number of mutants of that corpus.
 */
class TraceFuzzTest {
  /** Mutants per sweep in the default suite: a few seconds. */
  static final int SWEEP = 3000;
  private static final List<String> TOKENS = List.of("\n", " ", "[000]", "kmem:mm_page_alloc:", "kmem:mm_page_free:",
      "kmem:mm_page_free_batched:", "pfn=0x", "order=", "gfp_flags=", "GFP_KERNEL|__GFP_ZERO", "page=", "migratetype=",
      ": ", "298.507100:", "mm_page_alloc:", "CPU:", "[1 EVENTS DROPPED]", "|", "0x", "-1", "\r", "\0", "\u00ff",
      "kmem:kmem_cache_alloc:", "kmem:kmalloc:", "kmem:kfree:", "kmem:kmem_cache_free:", "ptr=0xffff888", "ptr=(nil)",
      "name=", "bytes_alloc=", "accounted=true");
  private static final AtomicLong FILES = new AtomicLong();

  @FuzzTest(maxDuration = "4m")
  void kmemLine(byte[] data) {
    line(data);
  }

  @FuzzTest(maxDuration = "4m")
  void loader(byte[] data) {
    load(data);
  }

  @Test
  void kmemLineSweep() {
    assertThat(FuzzSweep.run(FuzzSweep.corpus(TraceFuzzTest.class, "kmemLine"), SWEEP, 1, TOKENS, TraceFuzzTest::line))
        .isGreaterThan(SWEEP);
  }

  @Test
  void loaderSweep() {
    assertThat(FuzzSweep.run(FuzzSweep.corpus(TraceFuzzTest.class, "loader"), SWEEP / 3, 2, TOKENS, TraceFuzzTest::load))
        .isGreaterThan(SWEEP / 3);
  }

  /** One line through both dialects: a kind, a one-line reason when malformed, fields in range. */
  static void line(byte[] data) {
    String s = new String(data, java.nio.charset.StandardCharsets.ISO_8859_1);
    for (KmemTextFormat.Dialect d : KmemTextFormat.Dialect.values()) {
      KmemTextFormat f = new KmemTextFormat(d);
      TraceRecord r = new TraceRecord();
      f.recognizes(s);
      Kind k = f.parse(s, r);
      assertThat(k).isNotNull().isEqualTo(r.kind);
      if (k == Kind.MALFORMED) {
        assertOneLine(r.error);
      }
      if (k == Kind.ALLOC || k == Kind.FREE) {
        assertThat(r.order).isBetween(0, 10);
        assertThat(r.cpu).isBetween(0, KmemLineParser.MAX_CPU);
        assertThat(r.pfn).isBetween(k == Kind.ALLOC ? -1L : 0L, KmemLineParser.MAX_PFN);
        ParsedTrace t = held(r);
        assertThat(t.order(0)).isEqualTo(r.order);
        assertThat(t.cpu(0)).isEqualTo(r.cpu);
        assertThat(t.event(0)).isEqualTo(r.event);
        assertThat(t.pfn(0)).isEqualTo(r.pfn);
      }
      if (k == Kind.SLAB_ALLOC || k == Kind.SLAB_FREE) {
        assertThat(r.cpu).isBetween(0, KmemLineParser.MAX_CPU);
        assertThat(r.ptr).isNotEqualTo(-1L);
        if (k == Kind.SLAB_ALLOC) {
          assertThat(r.bytesAlloc).isBetween(1, KmemSlabFields.MAX_BYTES);
          assertThat(r.cache).isNotEmpty();
        }
        ParsedTrace t = held(r);
        assertThat(t.cpu(0)).isEqualTo(r.cpu);
        assertThat(t.event(0)).isEqualTo(r.event);
        assertThat(t.pfn(0)).isEqualTo(r.ptr);
        assertThat(t.cache(0)).isEqualTo(k == Kind.SLAB_ALLOC ? 0 : -1);
        if (k == Kind.SLAB_ALLOC) {
          assertThat(t.cacheNames()).containsExactly(r.cache);
          assertThat(t.cacheSize(0)).isEqualTo(r.bytesAlloc);
        }
      }
    }
  }

  /** A trace of the one event {@code r}, stored and merged as a parse stores and merges it. */
  private static ParsedTrace held(TraceRecord r) {
    TraceBlock block = new TraceBlock(0);
    block.store(r);
    ParsedTrace.Builder b = new ParsedTrace.Builder();
    b.add(block, block.size);
    return b.build(null);
  }

  /**
   * Input layout: byte 0 compression (plain, gzip, xz), byte 1 format (auto, perf-script,
   * trace-cmd) and damage (none, cut, flipped byte), bytes 2-3 where the damage goes (a fraction of
   * the compressed length); the rest is the trace text.
   */
  static void load(byte[] data) {
    if (data.length < 4) {
      return;
    }
    int compression = (data[0] & 0xff) % 3;
    int format = (data[1] & 0xff) % 3;
    int damage = ((data[1] & 0xff) / 3) % 3;
    int where = ((data[2] & 0xff) << 8) | (data[3] & 0xff);
    byte[] text = Arrays.copyOfRange(data, 4, data.length);
    byte[] file = compress(text, compression);
    if (damage != 0 && file.length > 0) {
      int at = (int) ((long) where * file.length / 65536);
      if (damage == 1) {
        file = Arrays.copyOf(file, at);
      } else {
        file[at] ^= (byte) (1 << (where & 7));
      }
    }
    String name = format == 0 ? TraceLoader.AUTO : format == 1 ? "perf-script" : "trace-cmd";
    Path p = null;
    try {
      p = Files.createTempFile("asi-fuzz-" + FILES.incrementAndGet() + "-", ".trace");
      Files.write(p, file);
      ParsedTrace t;
      try {
        t = TraceLoader.load(p, name, false, 0);
      } catch (BadInputException e) {
        assertOneLine(e.getMessage());
        assertThat(e.getMessage()).as("names the file").contains(p.toString());
        return;
      }
      assertCountsAddUp(t, decompress(file, compression));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (p != null) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // a temp file left behind is harmless
        }
      }
    }
  }

  /** Recounts the accepted text line by line with the chosen format and compares with the summary. */
  static void assertCountsAddUp(ParsedTrace t, byte[] text) {
    TraceSummary s = t.summary();
    TraceFormats formats = TraceFormats.builtIn();
    io.asisim.api.trace.TraceFormat f = formats.create(s.format(), null);
    long lines = 0;
    long events = 0;
    long other = 0;
    long skipped = 0;
    long ignored = 0;
    TraceRecord r = new TraceRecord();
    int start = 0;
    for (int i = 0; i <= text.length; i++) {
      if (i < text.length && text[i] != '\n') {
        continue;
      }
      if (i == text.length && start == text.length) {
        break; // no partial last line
      }
      int end = i > start && text[i - 1] == '\r' ? i - 1 : i;
      lines++;
      Kind k;
      if (end - start > LineReader.MAX_LINE || (i - start > LineReader.MAX_LINE)) {
        k = Kind.MALFORMED;
      } else {
        k = f.parse(new String(text, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1), r);
      }
      switch (k) {
        case ALLOC, FREE, SLAB_ALLOC, SLAB_FREE -> events++;
        case OTHER -> other++;
        case IGNORED -> ignored++;
        default -> skipped++;
      }
      start = i + 1;
    }
    assertThat(s.lines()).as("lines read").isEqualTo(lines);
    assertThat(t.size()).as("alloc/free events").isEqualTo(events);
    assertThat(s.otherEvents()).as("other events").isEqualTo(other);
    assertThat(s.skippedLines()).as("skipped lines").isEqualTo(skipped);
    assertThat(s.replayableEvents()).isEqualTo(t.size());
    assertThat(s.firstSkipped()).hasSize((int) Math.min(skipped, TraceLoader.REPORTED_SKIPS));
    for (TraceSummary.SkippedLine l : s.firstSkipped()) {
      assertOneLine(l.reason());
    }
  }

  static void assertOneLine(String message) {
    assertThat(message).isNotBlank().doesNotContain("\n").doesNotContain("\r");
    assertThat(message.length()).as("one line: %s", message).isLessThan(1000);
    assertThat(message).as("no Java class names")
        .doesNotContainPattern("\\b(java|javax|org|com|io)\\.[a-z0-9.]+\\.[A-Z]\\w*(Exception|Error)\\b");
  }

  static byte[] compress(byte[] text, int compression) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (compression == 1) {
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
          z.write(text);
        }
      } else if (compression == 2) {
        try (XZOutputStream z = new XZOutputStream(out, new LZMA2Options(0))) {
          z.write(text);
        }
      } else {
        return text;
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the loader's decompressor yields (the file was accepted, so the stream decodes). */
  static byte[] decompress(byte[] file, int compression) throws IOException {
    boolean gz = file.length >= 2 && (file[0] & 0xff) == 0x1f && (file[1] & 0xff) == 0x8b;
    boolean xz = file.length >= 6 && (file[0] & 0xff) == 0xfd && file[1] == '7' && file[2] == 'z';
    InputStream raw = new ByteArrayInputStream(file);
    try (InputStream in = gz ? new GZIPInputStream(raw) : xz ? new XZInputStream(raw) : raw) {
      return in.readAllBytes();
    }
  }
}
