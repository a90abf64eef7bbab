package io.asisim.sim.trace;

import static io.asisim.api.mm.Gfp.GFP_HIGHUSER;
import static io.asisim.api.mm.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.asisim.api.mm.Gfp.GFP_NOFS;
import static io.asisim.api.mm.Gfp.__GFP_ACCOUNT;
import static io.asisim.api.mm.Gfp.__GFP_COMP;
import static io.asisim.api.mm.Gfp.__GFP_HARDWALL;
import static io.asisim.api.mm.Gfp.__GFP_HIGHMEM;
import static io.asisim.api.mm.Gfp.__GFP_MOVABLE;
import static io.asisim.api.mm.Gfp.__GFP_NORETRY;
import static io.asisim.api.mm.Gfp.__GFP_NOWARN;
import static io.asisim.api.mm.Gfp.__GFP_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.api.trace.TraceRecord.Kind;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden parsing of real lines, copied verbatim from captures on a 6.18 kernel (perf 6.1, ftrace
 * with and without irq-info, trace-cmd 3.1.6 report of an instance), and a corpus of malformed
 * lines with the reason each must give.
 */
class KmemLineParserTest {
  private final KmemLineParser parser = new KmemLineParser();
  private final TraceRecord r = new TraceRecord();

  private Kind parse(String line) {
    return parser.parse(line, r);
  }

  @Test
  void perfScriptAllocFromTheSharedTrace() {
    assertThat(parse("            perf  6291 [001]   298.507100:         kmem:mm_page_alloc: page=0x12079e "
        + "pfn=0x12079e order=0 migratetype=0 gfp_flags=GFP_HIGHUSER|__GFP_ACCOUNT")).isEqualTo(Kind.ALLOC);
    assertThat(r.event).isEqualTo(Event.MM_PAGE_ALLOC);
    assertThat(r.cpu).isEqualTo(1);
    assertThat(r.timestampNs).isEqualTo(298_507_100_000L);
    assertThat(r.pfn).isEqualTo(0x12079eL);
    assertThat(r.order).isZero();
    assertThat(r.gfpMask).isEqualTo(GFP_HIGHUSER | __GFP_ACCOUNT);
    assertThat(parser.lastSystemPrefix).isTrue();
    assertThat(parser.lastFlagsColumn).isFalse();
  }

  @Test
  void perfScriptHigherOrderAllocWithLongGfpString() {
    assertThat(parse("             tar  6294 [001]   298.513434:         kmem:mm_page_alloc: page=0x14b33c "
        + "pfn=0x14b33c order=2 migratetype=1 gfp_flags=GFP_NOFS|__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|"
        + "__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL")).isEqualTo(Kind.ALLOC);
    assertThat(r.order).isEqualTo(2);
    assertThat(r.pfn).isEqualTo(0x14b33cL);
    assertThat(r.gfpMask).isEqualTo(GFP_NOFS | __GFP_HIGHMEM | __GFP_MOVABLE | __GFP_NOWARN | __GFP_NORETRY
        | __GFP_COMP | __GFP_HARDWALL);
  }

  @Test
  void perfScriptFreeAndBatchedFree() {
    assertThat(parse("       perf-exec  7387 [001]   577.781214:              kmem:mm_page_free: page=0x10d3a0 "
        + "pfn=0x10d3a0 order=0")).isEqualTo(Kind.FREE);
    assertThat(r.event).isEqualTo(Event.MM_PAGE_FREE);
    assertThat(r.pfn).isEqualTo(0x10d3a0L);
    assertThat(parse("       perf-exec  7387 [001]   577.781217:      kmem:mm_page_free_batched: page=0x10d3a0 "
        + "pfn=0x10d3a0 order=0")).isEqualTo(Kind.FREE);
    assertThat(r.event).isEqualTo(Event.MM_PAGE_FREE_BATCHED);
    assertThat(r.timestampNs).isEqualTo(577_781_217_000L);
  }

  @Test
  void perfScriptOtherKmemEventsAreOther() {
    assertThat(parse("              cp  7389 [001]   577.890050:     kmem:mm_page_alloc_extfrag: page=0x134800 "
        + "pfn=0x134800 alloc_order=2 fallback_order=10 pageblock_order=9 alloc_migratetype=2 fallback_migratetype=1 "
        + "fragmenting=10 change_ownership=1")).isEqualTo(Kind.OTHER);
    assertThat(r.event).isEqualTo(Event.MM_PAGE_ALLOC_EXTFRAG);
    assertThat(parse("              cp  7389 [001]   577.792600: kmem:mm_page_alloc_zone_locked: page=0x10b460 "
        + "pfn=0x10b460 order=4 migratetype=1 percpu_refill=0")).isEqualTo(Kind.OTHER);
    assertThat(r.event).isEqualTo(Event.MM_PAGE_ALLOC_ZONE_LOCKED);
    assertThat(parse(" kworker/u8:3-ex  3406 [000]   578.942063:        kmem:mm_page_pcpu_drain: page=0x118138 "
        + "pfn=0x118138 order=3 migratetype=0")).isEqualTo(Kind.OTHER);
    assertThat(r.event).isEqualTo(Event.MM_PAGE_PCPU_DRAIN);
  }

  /** Lines of the committed compaction capture (calibration/data/vm-20261207/compaction, Linux 6.18). */
  @Test
  void perfScriptCompactionAndMigrateEventsAreCountedWithTheirFields() {
    assertThat(parse("              sh 30083 [001] 39281.032967: compaction:mm_compaction_isolate_migratepages: "
        + "range=(0x1 ~ 0x200) nr_scanned=511 nr_taken=0")).isEqualTo(Kind.OTHER);
    assertThat(r.event).isEqualTo(Event.MM_COMPACTION_ISOLATE_MIGRATEPAGES);
    assertThat(r.nrScanned).isEqualTo(511);
    assertThat(r.nrTaken).isZero();
    assertThat(parse("              sh 30083 [001] 39281.036179:    compaction:mm_compaction_isolate_freepages: "
        + "range=(0xbfe00 ~ 0xc0000) nr_scanned=512 nr_taken=0")).isEqualTo(Kind.OTHER);
    assertThat(r.event).isEqualTo(Event.MM_COMPACTION_ISOLATE_FREEPAGES);
    assertThat(r.nrScanned).isEqualTo(512);
    assertThat(parse("              sh 30083 [001] 39281.036323:         compaction:mm_compaction_migratepages: "
        + "nr_migrated=0 nr_failed=2")).isEqualTo(Kind.OTHER);
    assertThat(r.event).isEqualTo(Event.MM_COMPACTION_MIGRATEPAGES);
    assertThat(r.nrFailed).isEqualTo(2);
    assertThat(parse("              sh 30083 [001] 39281.032961:                compaction:mm_compaction_begin: "
        + "zone_start=0x1 migrate_pfn=0x1 free_pfn=0xe00 zone_end=0x1000, mode=sync")).isEqualTo(Kind.OTHER);
    assertThat(r.event).isEqualTo(Event.MM_COMPACTION_BEGIN);
    assertThat(parse("              sh 30083 [001] 39281.036322:                      migrate:mm_migrate_pages: "
        + "nr_succeeded=0 nr_failed=1 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC "
        + "reason=compaction")).isEqualTo(Kind.OTHER);
    assertThat(r.event).isEqualTo(Event.COMPACTION_OTHER);
    assertThat(parse("              sh 30083 [001] 39281.032984:                  compaction:mm_compaction_end: "
        + "zone_start=0x1 migrate_pfn=0xe00 free_pfn=0xe00 zone_end=0x1000, mode=sync status=complete"))
        .isEqualTo(Kind.OTHER);
    assertThat(r.event).isEqualTo(Event.COMPACTION_OTHER);
    // a compaction event under another subsystem, a missing field, an unknown migrate: event
    assertThat(parse("              sh 30083 [001] 39281.0: kmem:mm_compaction_begin: zone_start=0x1"))
        .isEqualTo(Kind.MALFORMED);
    assertThat(parse("              sh 30083 [001] 39281.0: compaction:mm_compaction_migratepages: nr_migrated=3"))
        .isEqualTo(Kind.MALFORMED);
    assertThat(r.error).contains("nr_migrated=/nr_failed=");
    assertThat(parse("              sh 30083 [001] 39281.0: migrate:remove_migration_pte: addr=0x1"))
        .isEqualTo(Kind.MALFORMED);
    assertThat(r.error).contains("unknown event 'migrate:remove_migration_pte'");
  }

  @Test
  void ftraceWithIrqInfoAndACommWithASpace() {
    assertThat(parse(" C2 CompilerThre-8004    [000] .....   598.294110: mm_page_alloc: page=0000000070ec6b89 "
        + "pfn=0x14b689 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP"))
        .isEqualTo(Kind.ALLOC);
    assertThat(r.pfn).isEqualTo(0x14b689L);
    assertThat(r.cpu).isZero();
    assertThat(r.timestampNs).isEqualTo(598_294_110_000L);
    assertThat(parser.lastFlagsColumn).isTrue();
    assertThat(parser.lastSystemPrefix).isFalse();
    assertThat(parse("              ls-8113    [001] ...2.   598.345610: mm_page_free_batched: page=00000000bbbe25a7 "
        + "pfn=0x14a848 order=0")).isEqualTo(Kind.FREE);
    assertThat(r.cpu).isEqualTo(1);
    assertThat(parse("         apt-get-8088    [000] d..3.   599.598137: mm_page_alloc_extfrag: page=000000009ddaf00a "
        + "pfn=0x152000 alloc_order=0 fallback_order=10 pageblock_order=9 alloc_migratetype=0 "
        + "fallback_migratetype=1 fragmenting=0 change_ownership=1")).isEqualTo(Kind.OTHER);
  }

  @Test
  void ftraceWithoutIrqInfo() {
    assertThat(parse("              ls-8113    [001]    598.345608: mm_page_free: page=00000000bbbe25a7 pfn=0x14a848 "
        + "order=0")).isEqualTo(Kind.FREE);
    assertThat(r.pfn).isEqualTo(0x14a848L);
    assertThat(parser.lastFlagsColumn).isFalse();
  }

  @Test
  void traceCmdReportWithInstancePrefixAndHeaders() {
    assertThat(parse("asix:             java-7992  [000]   609.815458: mm_page_alloc:        page=0x17adb0 "
        + "pfn=0x17adb0 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_WRITE|__GFP_COMP"))
        .isEqualTo(Kind.ALLOC);
    assertThat(r.gfpMask).isEqualTo(GFP_HIGHUSER_MOVABLE | __GFP_WRITE | __GFP_COMP);
    assertThat(parse(" Notification Th-8007  [001]   610.728679: mm_page_pcpu_drain:   page=0x173885 pfn=0x173885 "
        + "order=0 migratetype=1")).isEqualTo(Kind.OTHER);
    assertThat(parse("cpus=2")).isEqualTo(Kind.IGNORED);
    assertThat(parse("version = 7")).isEqualTo(Kind.IGNORED);
    assertThat(parse("CPU 3 is empty")).isEqualTo(Kind.IGNORED);
    assertThat(parse("# tracer: nop")).isEqualTo(Kind.IGNORED);
    assertThat(parse("   ")).isEqualTo(Kind.IGNORED);
    assertThat(parse("asix: CPU:1 [221776 EVENTS DROPPED]")).isEqualTo(Kind.IGNORED);
    assertThat(r.lostEvents).isEqualTo(221776);
    assertThat(parse("CPU:2 [LOST 12 EVENTS]")).isEqualTo(Kind.IGNORED);
    assertThat(r.lostEvents).isEqualTo(12);
  }

  /** trace-cmd report -l (latency format): the CPU number glued to the irq flags (second line adapted by hand: CPU 1, irqs off). */
  @Test
  void traceCmdLatencyFormat() {
    assertThat(parse("asix: kworker/-3406    0...1.   609.814081: mm_page_free:         page=0x146210 pfn=0x146210 "
        + "order=0")).isEqualTo(Kind.FREE);
    assertThat(r.cpu).isZero();
    assertThat(r.pfn).isEqualTo(0x146210L);
    assertThat(r.timestampNs).isEqualTo(609_814_081_000L);
    assertThat(parser.lastFlagsColumn).isTrue();
    assertThat(parse("asix:    java-7992    1d..2.   609.815458: mm_page_alloc:        page=0x17adb0 pfn=0x17adb0 "
        + "order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_WRITE|__GFP_COMP")).isEqualTo(Kind.ALLOC);
    assertThat(r.cpu).isEqualTo(1);
  }

  /** Hand-made from the pre-5.14 TP_printk ("pfn=%lu"): the decimal pfn of older kernels. */
  @Test
  void decimalPfnOfOlderKernels() {
    assertThat(parse("            perf  6291 [001]   298.507100:         kmem:mm_page_alloc: page=0xffffea0004801e80 "
        + "pfn=1181598 order=0 migratetype=0 gfp_flags=GFP_KERNEL")).isEqualTo(Kind.ALLOC);
    assertThat(r.pfn).isEqualTo(1181598L);
  }

  /** __alloc_pages() traces a failed request with a NULL page, printed as pfn=0 (hand-made). */
  @Test
  void failedAllocationInTheTracedKernel() {
    assertThat(parse("            perf  6291 [001]   298.507100:         kmem:mm_page_alloc: page=(nil) pfn=0x0 "
        + "order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE")).isEqualTo(Kind.ALLOC);
    assertThat(r.pfn).isEqualTo(-1);
    assertThat(r.order).isEqualTo(9);
  }

  @Test
  void nanosecondTimestampsAndCrLf() {
    assertThat(parse("            perf  6291 [001]   298.507100123:  kmem:mm_page_free: page=0x10 pfn=0x10 order=0\r"))
        .isEqualTo(Kind.FREE);
    assertThat(r.timestampNs).isEqualTo(298_507_100_123L);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " ==> ", value = {
      // truncated lines
      "perf  6291 [001]   298.507100:         kmem:mm_page_alloc: page=0x12079e pfn=0x12079e order=0 migratetype=0"
          + " ==> mm_page_alloc without gfp_flags= (truncated or shifted line?)",
      "perf  6291 [001]   298.507100:         kmem:mm_page_alloc: page=0x12079e pfn=0x12"
          + " ==> mm_page_alloc without order= (truncated or shifted line?)",
      "perf  6291 [001]   298.507100:         kmem:mm_page_free: page=0x12079e ==> mm_page_free without pfn=",
      "perf  6291 [001]   298.507100: ==> truncated line: no event name after the timestamp",
      "perf  6291 [001] ==> truncated line: nothing after the [cpu] column",
      "perf  6291 [001]   298.50 ==> no '[cpu] seconds.fraction:' header",
      "perf  6291 ==> no '[cpu] seconds.fraction:' header",
      // wrong field types, bad hex, huge numbers
      "perf 1 [001] 298.507100: kmem:mm_page_free: page=0x1 pfn=0x12zz order=0 ==> bad pfn '0x12zz'",
      "perf 1 [001] 298.507100: kmem:mm_page_free: page=0x1 pfn=0x123456789abcdef01 order=0 ==> bad pfn '0x123456789abcdef01'",
      "perf 1 [001] 298.507100: kmem:mm_page_free: page=0x1 pfn=0x10000000000 order=0 ==> bad pfn '0x10000000000'",
      "perf 1 [001] 298.507100: kmem:mm_page_free: page=0x1 pfn=99999999999999999999 order=0 ==> bad pfn '99999999999999999999'",
      "perf 1 [001] 298.507100: kmem:mm_page_free: page=0x1 pfn=0x10 order=x ==> bad order 'x' (valid: 0..10)",
      "perf 1 [001] 298.507100: kmem:mm_page_free: page=0x1 pfn=0x10 order=11 ==> bad order '11' (valid: 0..10)",
      "perf 1 [001] 298.507100: kmem:mm_page_free: page=0x1 pfn=0x10 order=-1 ==> bad order '-1' (valid: 0..10)",
      "perf 1 [001] 298.507100: kmem:mm_page_free: page=0x1 pfn=0x11 order=1 ==> pfn 0x11 not aligned to order 1",
      "perf 1 [001] 298.507100: kmem:mm_page_free_batched: page=0x1 pfn=0x10 order=2 ==> mm_page_free_batched with order=2",
      "perf 1 [1234567] 298.507100: kmem:mm_page_free: pfn=0x10 order=0 ==> no '[cpu] seconds.fraction:' header",
      "perf 1 [99999] 298.507100: kmem:mm_page_free: pfn=0x10 order=0 ==> cpu 99999 out of range (valid: 0..65535)",
      "perf 1 [001] 99999999999.5: kmem:mm_page_free: pfn=0x10 order=0 ==> bad timestamp '99999999999.5:'",
      "perf 1 [001] 12.0000000001: kmem:mm_page_free: pfn=0x10 order=0 ==> bad timestamp '12.0000000001:'",
      "perf 1 [001] 298.507100: kmem:mm_page_alloc: pfn=0x10 order=0 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_BOGUS"
          + " ==> bad gfp_flags: unknown GFP flag '__GFP_BOGUS'",
      "perf 1 [001] 298.507100: kmem:mm_page_alloc: pfn=0x10 order=0 migratetype=0 gfp_flags= ==> bad gfp_flags: empty GFP flags",
      // unknown events, other subsystems
      "perf 1 [001] 298.507100: sched:sched_switch: prev_comm=perf ==> unknown event 'sched:sched_switch'",
      "perf 1 [001] 298.507100: kmem:kmalloc: call_site=0 ==> kmalloc without ptr= (truncated or shifted line?)",
      "perf 1 [001] 298.507100: kmem:kmalloc: ptr=0x10 bytes_alloc=99999999 gfp_flags=GFP_KERNEL ==> bad bytes_alloc '99999999'",
      "perf 1 [001] 298.507100: kmem:kmalloc: ptr=0x10 bytes_alloc=8 ==> kmalloc without gfp_flags= (truncated or shifted line?)",
      "perf 1 [001] 298.507100: kmem:kmem_cache_alloc: ptr=0x10 name=x bytes_alloc=8 gfp_flags=GFP_BOGUS"
          + " ==> bad gfp_flags: unknown GFP flag 'GFP_BOGUS'",
      "perf 1 [001] 298.507100: kmem:kfree: ptr=0x12345678901234567 ==> bad ptr '0x12345678901234567'",
      "perf 1 [001] 298.507100: kmem:kmem_cache_grow: x=1 ==> unknown event 'kmem:kmem_cache_grow'",
      "bash-1 [001] 298.507100: mm_page_allocx: pfn=0x1 ==> unknown event 'mm_page_allocx'",
      "perf 1 [001] 298.507100: mm_page_alloc pfn=0x1 ==> expected 'EVENT:' after the timestamp, got 'mm_page_alloc'",
      // junk
      "\u0000\u0001\u00ff\u00fe binary \u0007junk ==> no '[cpu] seconds.fraction:' header",
      "[ ==> no '[cpu] seconds.fraction:' header",
  })
  void malformedLinesSayWhy(String line, String reason) {
    assertThat(parse(line)).isEqualTo(Kind.MALFORMED);
    assertThat(r.error).startsWith(reason);
    assertThat(r.error).doesNotContain("\n");
  }

  /**
   * GFP names real kernels print that {@link io.asisim.api.mm.Gfp} (the 6.18 x86-64 table) rejects:
   * __GFP_NOLOCKDEP (CONFIG_LOCKDEP), __GFP_SKIP_ZERO and __GFP_SKIP_KASAN (arm64
   * CONFIG_KASAN_HW_TAGS), __GFP_ATOMIC (until 6.3), __GFP_SKIP_KASAN_(UN)POISON (5.17..6.7),
   * __GFP_COLD, __GFP_NOTRACK, __GFP_OTHER_NODE, __GFP_WAIT and __GFP_REPEAT (4.x and older). Such a
   * line is skipped with the reason rather than replayed with a guessed mask.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"__GFP_NOLOCKDEP", "__GFP_SKIP_ZERO", "__GFP_SKIP_KASAN",
      "__GFP_ATOMIC", "__GFP_SKIP_KASAN_POISON", "__GFP_SKIP_KASAN_UNPOISON", "__GFP_COLD", "__GFP_NOTRACK",
      "__GFP_OTHER_NODE", "__GFP_WAIT", "__GFP_REPEAT"})
  void gfpNamesOfOtherConfigsAndKernelsAreSkipped(String flag) {
    assertThat(parse("perf 1 [001] 298.507100: kmem:mm_page_alloc: page=0x10 pfn=0x10 order=0 migratetype=0 "
        + "gfp_flags=GFP_KERNEL|" + flag)).isEqualTo(Kind.MALFORMED);
    assertThat(r.error).startsWith("bad gfp_flags: unknown GFP flag '" + flag + "' in 'GFP_KERNEL|" + flag + "'");
  }

  @Test
  void dialectsRecognizeTheirOwnLines() {
    KmemTextFormat perf = new KmemTextFormat(KmemTextFormat.Dialect.PERF_SCRIPT);
    KmemTextFormat tc = new KmemTextFormat(KmemTextFormat.Dialect.TRACE_CMD);
    String perfLine = "       perf-exec  7387 [001]   577.781214:              kmem:mm_page_free: page=0x10d3a0 "
        + "pfn=0x10d3a0 order=0";
    String ftraceLine = " C2 CompilerThre-8004    [000] .....   598.294110: mm_page_alloc: page=0000000070ec6b89 "
        + "pfn=0x14b689 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP";
    String tcLine = "asix:     kworker/u8:3-3406  [000]   609.814081: mm_page_free:         page=0x146210 pfn=0x146210 "
        + "order=0";
    assertThat(perf.recognizes(perfLine)).isTrue();
    assertThat(tc.recognizes(perfLine)).isFalse();
    assertThat(perf.recognizes(ftraceLine)).isFalse();
    assertThat(tc.recognizes(ftraceLine)).isTrue();
    assertThat(tc.recognizes(tcLine)).isTrue();
    assertThat(perf.recognizes("# tracer: nop")).isFalse();
    assertThat(tc.recognizes("cpus=2")).isFalse();
  }

  /** The per-line hot path allocates nothing once a GFP string has been seen. */
  @Test
  void parsingAllocatesNothingPerLine() {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ByteLine line = new ByteLine();
    String[] lines = {
        "            perf  6291 [001]   298.507100:         kmem:mm_page_alloc: page=0x12079e pfn=0x12079e order=0 "
            + "migratetype=0 gfp_flags=GFP_HIGHUSER|__GFP_ACCOUNT",
        "       perf-exec  7387 [001]   577.781214:              kmem:mm_page_free: page=0x10d3a0 pfn=0x10d3a0 order=0",
        " C2 CompilerThre-8004    [000] .....   598.294110: mm_page_alloc: page=0000000070ec6b89 pfn=0x14b689 order=0 "
            + "migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP"};
    byte[][] raw = new byte[lines.length][];
    for (int i = 0; i < lines.length; i++) {
      raw[i] = lines[i].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
    long sum = 0;
    for (int round = 0; round < 2; round++) {
      long before = mx.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 30_000; i++) {
        byte[] b = raw[i % raw.length];
        line.set(b, 0, b.length); // the bytes in place, as a LineReader hands a line out
        parser.parse(line, r);
        sum += r.pfn;
      }
      long allocated = mx.getCurrentThreadAllocatedBytes() - before;
      if (round == 1) {
        // 30,000 lines; a String per line alone would be over 4 MB. The slack covers the JIT/
        // profiler's own bookkeeping on this thread.
        assertThat(allocated).isLessThan(64 * 1024);
      }
    }
    assertThat(sum).isPositive();
  }
}
