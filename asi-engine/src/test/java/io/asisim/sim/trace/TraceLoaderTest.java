package io.asisim.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.sim.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole files: the shared capture and our own captures with exact per-event counts (expected
 * numbers from an independent awk count of each file's lines per event name), transparent
 * compression, format sniffing, and the corpus of bad files with their one-line messages.
 */
class TraceLoaderTest {
  @TempDir
  Path tmp;

  /**
   * traces/tar-gzip-docs.perf.txt.xz: 72380 lines, of which 39708 kmem:mm_page_alloc and
   * 32672 kmem:mm_page_free by awk; nothing else, so nothing may be skipped.
   */
  @Test
  void sharedTraceParsesCompletelyWithExactCounts() {
    ParsedTrace t = TraceLoader.load(Traces.resource("tar-gzip-docs.perf.txt.xz"), "auto", true, 0);
    TraceSummary s = t.summary();
    assertThat(s.format()).isEqualTo("perf-script");
    assertThat(s.compression()).isEqualTo("xz");
    assertThat(s.lines()).isEqualTo(72380);
    assertThat(s.count(Event.MM_PAGE_ALLOC)).isEqualTo(39708);
    assertThat(s.count(Event.MM_PAGE_FREE)).isEqualTo(32672);
    assertThat(s.count(Event.MM_PAGE_FREE_BATCHED)).isZero();
    assertThat(s.skippedLines()).isZero();
    assertThat(s.otherEvents()).isZero();
    assertThat(t.size()).isEqualTo(39708 + 32672);
    assertThat(s.maxCpu()).isEqualTo(1);
    // first event of the file: perf 6291 [001] 298.507100: kmem:mm_page_alloc: ... pfn=0x12079e order=0
    assertThat(t.isAlloc(0)).isTrue();
    assertThat(t.pfn(0)).isEqualTo(0x12079eL);
    assertThat(t.cpu(0)).isEqualTo(1);
  }

  /**
   * Our perf 6.1 capture on 6.18 (cp of /usr/share/doc, lines 74001-76000 of the capture, gzip):
   * awk counts 746 alloc, 719 free, 389 free_batched, 113 zone_locked, 33 pcpu_drain = 2000 lines.
   */
  @Test
  void ownPerfCaptureWithAllKmemEvents() {
    TraceSummary s = TraceLoader.load(Traces.resource("cp-docs-6.18.perf.txt.gz"), "auto", true, 0).summary();
    assertThat(s.format()).isEqualTo("perf-script");
    assertThat(s.compression()).isEqualTo("gzip");
    assertThat(s.lines()).isEqualTo(2000);
    assertThat(s.count(Event.MM_PAGE_ALLOC)).isEqualTo(746);
    assertThat(s.count(Event.MM_PAGE_FREE)).isEqualTo(719);
    assertThat(s.count(Event.MM_PAGE_FREE_BATCHED)).isEqualTo(389);
    assertThat(s.count(Event.MM_PAGE_ALLOC_ZONE_LOCKED)).isEqualTo(113);
    assertThat(s.count(Event.MM_PAGE_PCPU_DRAIN)).isEqualTo(33);
    assertThat(s.otherEvents()).isEqualTo(113 + 33);
    assertThat(s.replayableEvents()).isEqualTo(746 + 719 + 389);
    assertThat(s.skippedLines()).isZero();
  }

  /** ftrace 'trace' file with irq-info (600 lines, xz): 281 alloc, 159 free, 97 batched, 62 zone_locked, 1 extfrag. */
  @Test
  void ftraceWithIrqFlags() {
    TraceSummary s = TraceLoader.load(Traces.resource("ftrace-irqinfo-6.18.txt.xz"), "auto", true, 0).summary();
    assertThat(s.format()).isEqualTo("trace-cmd");
    assertThat(s.count(Event.MM_PAGE_ALLOC)).isEqualTo(281);
    assertThat(s.count(Event.MM_PAGE_FREE)).isEqualTo(159);
    assertThat(s.count(Event.MM_PAGE_FREE_BATCHED)).isEqualTo(97);
    assertThat(s.count(Event.MM_PAGE_ALLOC_ZONE_LOCKED)).isEqualTo(62);
    assertThat(s.count(Event.MM_PAGE_ALLOC_EXTFRAG)).isEqualTo(1);
    assertThat(s.skippedLines()).isZero();
  }

  /** ftrace 'trace' file without irq-info, from its first line (6 '#' header lines, 394 alloc), plain text. */
  @Test
  void ftraceWithoutIrqFlagsAndItsHeader() {
    TraceSummary s = TraceLoader.load(Traces.resource("ftrace-noirq-6.18.txt"), "auto", true, 0).summary();
    assertThat(s.format()).isEqualTo("trace-cmd");
    assertThat(s.compression()).isEqualTo("plain text");
    assertThat(s.lines()).isEqualTo(400);
    assertThat(s.count(Event.MM_PAGE_ALLOC)).isEqualTo(394);
    assertThat(s.skippedLines()).isZero();
  }

  /**
   * trace-cmd 3.1.6 report of an instance (1500 lines, gzip): 400 alloc, 316 free, 228 batched,
   * 2 zone_locked, 553 pcpu_drain and one "asix: CPU:1 [221776 EVENTS DROPPED]" notice.
   */
  @Test
  void traceCmdReportWithDroppedEvents() {
    TraceSummary s = TraceLoader.load(Traces.resource("trace-cmd-report-3.1.6.txt.gz"), "trace-cmd", true, 0)
        .summary();
    assertThat(s.count(Event.MM_PAGE_ALLOC)).isEqualTo(400);
    assertThat(s.count(Event.MM_PAGE_FREE)).isEqualTo(316);
    assertThat(s.count(Event.MM_PAGE_FREE_BATCHED)).isEqualTo(228);
    assertThat(s.otherEvents()).isEqualTo(2 + 553);
    assertThat(s.lostEvents()).isEqualTo(221776);
    assertThat(s.skippedLines()).isZero();
  }

  @Test
  void compressionIsDetectedByMagicNotByName() throws IOException {
    Path gz = tmp.resolve("looks-plain.txt");
    try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write((Traces.alloc(0, 0x10, 0, "GFP_KERNEL") + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    TraceSummary s = TraceLoader.load(gz, "auto", false, 0).summary();
    assertThat(s.compression()).isEqualTo("gzip");
    assertThat(s.count(Event.MM_PAGE_ALLOC)).isEqualTo(1);
  }

  @Test
  void malformedLinesAreCountedWithLineNumbersUnlessStrict() throws IOException {
    Path f = write("mixed.txt",
        Traces.alloc(0, 0x10, 0, "GFP_KERNEL"),
        "garbage line",
        Traces.free(1, 0x10, 0),
        "perf 1 [001] 298.507100: sched:sched_switch: prev_comm=perf",
        "perf 1 [001] 298.507100: kmem:mm_page_free: page=0x1 pfn=0xzz order=0");
    TraceSummary s = TraceLoader.load(f, "perf-script", false, 0).summary();
    assertThat(s.skippedLines()).isEqualTo(3);
    assertThat(s.firstSkipped()).extracting(TraceSummary.SkippedLine::line).containsExactly(2L, 4L, 5L);
    assertThat(s.firstSkipped().get(2).reason()).startsWith("bad pfn '0xzz'");
    assertThat(s.replayableEvents()).isEqualTo(2);

    assertThatThrownBy(() -> TraceLoader.load(f, "perf-script", true, 0))
        .isInstanceOf(BadInputException.class)
        .hasMessage(f + ":2: no '[cpu] seconds.fraction:' header (valid: 'COMM PID [CPU] SECS.USECS: kmem:EVENT: "
            + "FIELDS' as perf script prints it, or 'COMM-PID [CPU] SECS.USECS: EVENT: FIELDS' as trace-cmd report "
            + "prints it) (strict mode: every line must be a kmem event or a header; line: 'garbage line')");
  }

  @Test
  void lastLineWithoutNewlineAndCrLfLineEnds() throws IOException {
    Path f = tmp.resolve("crlf.txt");
    Files.writeString(f, Traces.alloc(0, 0x10, 0, "GFP_KERNEL") + "\r\n" + Traces.free(0, 0x10, 0),
        StandardCharsets.ISO_8859_1);
    TraceSummary s = TraceLoader.load(f, "auto", true, 0).summary();
    assertThat(s.lines()).isEqualTo(2);
    assertThat(s.replayableEvents()).isEqualTo(2);
  }

  @Test
  void readingStopsAtTheRequestedNumberOfEvents() {
    ParsedTrace t = TraceLoader.load(Traces.resource("tar-gzip-docs.perf.txt.xz"), "perf-script", false, 100);
    assertThat(t.size()).isEqualTo(100);
    assertThat(t.summary().stoppedEarly()).isTrue();
    assertThat(t.summary().lines()).isEqualTo(100); // the first 100 lines are all events
  }

  // ---- bad files: one line saying what, where and what is valid ----

  @Test
  void missingFile() {
    Path f = tmp.resolve("nope.txt");
    assertThatThrownBy(() -> TraceLoader.load(f, "auto", false, 0)).isInstanceOf(BadInputException.class)
        .hasMessage(f + ": no such file (valid: text from 'perf script' or 'trace-cmd report', plain, .gz or .xz)");
  }

  @Test
  void directory() {
    assertThatThrownBy(() -> TraceLoader.load(tmp, "auto", false, 0)).hasMessageStartingWith(tmp + ": is a directory");
  }

  @Test
  void emptyFile() throws IOException {
    Path f = write("empty.txt");
    assertThatThrownBy(() -> TraceLoader.load(f, "auto", false, 0))
        .hasMessageStartingWith(f + ": empty file: no kmem events (valid:");
    assertThatThrownBy(() -> TraceLoader.load(f, "perf-script", false, 0))
        .hasMessageStartingWith(f + ": empty file: no kmem events (valid:");
  }

  @Test
  void headerOnlyFile() throws IOException {
    Path f = write("header.txt", "# tracer: nop", "#", "cpus=4");
    assertThatThrownBy(() -> TraceLoader.load(f, "trace-cmd", false, 0))
        .hasMessageStartingWith(f + ": no mm_page_alloc/mm_page_free events in 3 lines (0 skipped) (valid:");
  }

  @Test
  void binaryJunk() throws IOException {
    byte[] junk = new byte[200_000];
    new SplittableRandom(7).nextBytes(junk);
    Path f = tmp.resolve("junk.bin");
    Files.write(f, junk);
    assertThatThrownBy(() -> TraceLoader.load(f, "auto", false, 0)).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(f + ": not a kmem trace: none of the first ")
        .hasMessageNotContaining("\n");
    // forced format: every line is skipped, and a trace without events is bad input
    assertThatThrownBy(() -> TraceLoader.load(f, "perf-script", false, 0)).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(f + ": no mm_page_alloc/mm_page_free events in ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void lineWithoutNewlineLongerThanTheLimit() throws IOException {
    Path f = write("long.txt", Traces.alloc(0, 0x10, 0, "GFP_KERNEL"), "x".repeat(100_000),
        Traces.free(0, 0x10, 0));
    TraceSummary s = TraceLoader.load(f, "perf-script", false, 0).summary();
    assertThat(s.skippedLines()).isEqualTo(1);
    assertThat(s.firstSkipped().get(0))
        .isEqualTo(new TraceSummary.SkippedLine(2, "line longer than 8192 characters (binary data?)"));
    assertThat(s.replayableEvents()).isEqualTo(2);
  }

  @Test
  void corruptGzip() throws IOException {
    byte[] gz = gzip(String.join("\n", java.util.Collections.nCopies(5000, Traces.alloc(0, 0x10, 0, "GFP_KERNEL"))));
    byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
    Path f = tmp.resolve("cut.txt.gz");
    Files.write(f, cut);
    assertThatThrownBy(() -> TraceLoader.load(f, "perf-script", false, 0)).isInstanceOf(BadInputException.class)
        .hasMessageMatching(java.util.regex.Pattern.quote(f.toString())
            + ":\\d+: truncated or corrupt gzip stream: Unexpected end of ZLIB input stream");
    Path header = tmp.resolve("header.gz");
    Files.write(header, new byte[] {0x1f, (byte) 0x8b, 1, 2});
    assertThatThrownBy(() -> TraceLoader.load(header, "auto", false, 0))
        .hasMessageStartingWith(header + ": corrupt gzip stream: Unsupported compression method (valid: ");
    Path cutHeader = tmp.resolve("cut-header.gz");
    Files.write(cutHeader, new byte[] {0x1f, (byte) 0x8b, 8, 0});
    assertThatThrownBy(() -> TraceLoader.load(cutHeader, "auto", false, 0))
        .hasMessageStartingWith(cutHeader + ": truncated or corrupt gzip stream: ").hasMessageNotContaining("Exception");
  }

  @Test
  void corruptXz() throws IOException {
    byte[] xz = Files.readAllBytes(Traces.resource("ftrace-irqinfo-6.18.txt.xz"));
    xz[xz.length / 2] ^= 0x55;
    Path f = tmp.resolve("flipped.txt.xz");
    Files.write(f, xz);
    assertThatThrownBy(() -> TraceLoader.load(f, "trace-cmd", false, 0)).isInstanceOf(BadInputException.class)
        .hasMessageMatching(java.util.regex.Pattern.quote(f.toString())
            + ":\\d+: corrupt xz stream: [^\\n]+").hasMessageNotContaining("Exception");
  }

  @Test
  void binaryTraceFormatsNeedTheirToolFirst() throws IOException {
    Path perfData = tmp.resolve("perf.data");
    Files.write(perfData, "PERFILE2\0\0\0\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> TraceLoader.load(perfData, "auto", false, 0))
        .hasMessage(perfData + ": is a binary perf.data file; convert it with 'perf script -i perf.data > trace.txt' "
            + "(valid: text from 'perf script' or 'trace-cmd report', plain, .gz or .xz)");
    Path zst = tmp.resolve("t.zst");
    Files.write(zst, new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0});
    assertThatThrownBy(() -> TraceLoader.load(zst, "auto", false, 0))
        .hasMessageStartingWith(zst + ": zstd-compressed traces are not supported");
  }

  @Test
  void unknownFormatName() {
    assertThatThrownBy(() -> TraceLoader.load(tmp, "ftrace", false, 0))
        .hasMessage("trace format 'ftrace' (valid: auto, perf-script, trace-cmd)");
  }

  private Path write(String name, String... lines) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, lines.length == 0 ? "" : String.join("\n", lines) + "\n", StandardCharsets.ISO_8859_1);
    return f;
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bos)) {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
    }
    return bos.toByteArray();
  }

  /**
   * A capture with page and compaction events: the page events are replayed, the compaction ones
   * counted (not skipped) and summed into the summary, and a replay reports the sums as gauges.
   */
  @Test
  void compactionEventsAreCountedAndSummedBesideThePageEvents() {
    String head = "              sh 30083 [001] 39281.03: ";
    ParsedTrace t = Traces.perf(Traces.alloc(0, 0x1000, 0, "GFP_KERNEL"),
        head + "compaction:mm_compaction_begin: zone_start=0x1 migrate_pfn=0x1 free_pfn=0xe00 zone_end=0x1000, mode=sync",
        head + "compaction:mm_compaction_isolate_migratepages: range=(0x1 ~ 0x200) nr_scanned=511 nr_taken=32",
        head + "compaction:mm_compaction_isolate_freepages: range=(0xbfe00 ~ 0xc0000) nr_scanned=512 nr_taken=40",
        head + "compaction:mm_compaction_migratepages: nr_migrated=30 nr_failed=2",
        head + "compaction:mm_compaction_finished: node=0 zone=DMA      order=-1 ret=continue",
        Traces.free(0, 0x1000, 0));
    TraceSummary s = t.summary();
    assertThat(s.skippedLines()).isZero();
    assertThat(s.otherEvents()).isEqualTo(5);
    assertThat(s.hasCompactionEvents()).isTrue();
    assertThat(s.compaction()).isEqualTo(new TraceSummary.Compaction(1, 511, 512, 72, 30, 2));
    assertThat(s.replayableEvents()).isEqualTo(2);
    io.asisim.api.metrics.Metrics m = new io.asisim.api.metrics.Metrics();
    new TraceWorkload(t, 0, m);
    assertThat(m.get("trace_compaction_runs")).isEqualTo(1);
    assertThat(m.get("trace_compaction_migrated")).isEqualTo(30);
    assertThat(m.get("trace_compaction_isolated")).isEqualTo(72);
    io.asisim.api.metrics.Metrics plain = new io.asisim.api.metrics.Metrics();
    new TraceWorkload(Traces.perf(Traces.alloc(0, 0x1000, 0, "GFP_KERNEL")), 0, plain);
    assertThat(plain.all()).as("a trace without compaction events reports none").doesNotContainKey("trace_compaction_runs");
  }
}
