package io.asisim.sim.trace;

import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.api.trace.TraceRecord.Kind;

/**
 * Parses one text line of a kmem trace, by index, allocating nothing for a well-formed line. Both
 * tools print the same record layout around the kernel's {@code TP_printk} text of
 * include/trace/events/kmem.h:
 *
 * <pre>
 *  perf script:       COMM PID [CPU] SECS.USECS: kmem:EVENT: FIELDS
 *  trace-cmd report:  [INSTANCE: ]COMM-PID [CPU] [FLAGS] SECS.USECS: EVENT: FIELDS
 *  ftrace 'trace':    COMM-PID [CPU] [FLAGS] SECS.USECS: EVENT: FIELDS     (FLAGS with irq-info on)
 *  trace-cmd -l:      [INSTANCE: ]COMM-PID CPU+FLAGS SECS.USECS: EVENT: FIELDS (latency format)
 * </pre>
 *
 * The comm column has variable width and may contain spaces and brackets ({@code C2
 * CompilerThre-8004}), so the line is anchored on the first {@code [digits]} token that is followed
 * by an optional irq-flags token ({@code d..1.}) and a {@code SECS.FRACTION:} timestamp. The fields
 * are {@code key=value} tokens; of the page events only {@code pfn}, {@code order} and {@code gfp_flags}
 * are used, of the slab events those {@link KmemSlabFields} reads.
 * {@code pfn} is hex ({@code pfn=0x%lx}, since Linux 5.14) or decimal ({@code pfn=%lu}, before).
 * The hashed {@code page=%p} pointer is ignored.
 *
 * <p>Rejected as MALFORMED (with the reason): no header, a bad or truncated timestamp, an event of
 * another subsystem or an unknown kmem event, missing fields, bad numbers, an order above
 * {@code MAX_PAGE_ORDER}, a pfn beyond x86-64's 52-bit physical address space or not aligned to
 * its order (the buddy allocator only hands out naturally aligned blocks), unknown GFP flag names.
 * Header/comment lines of the tools are IGNORED. Not thread-safe.
 */
final class KmemLineParser {
  /** Largest pfn: x86-64 MAXPHYADDR is at most 52 bits, 4 KiB pages. */
  static final long MAX_PFN = (1L << 40) - 1;
  /** Largest CPU number accepted (x86 NR_CPUS is at most 8192 with MAXSMP). */
  static final int MAX_CPU = 65535;
  private static final long MAX_SECONDS = 9_000_000_000L; // ns still fit a long

  private static final byte[][] NAMES = names(
    "mm_page_alloc", "mm_page_free", "mm_page_free_batched", "mm_page_alloc_extfrag",
    "mm_page_alloc_zone_locked", "mm_page_pcpu_drain", "mm_page_free_direct", "mm_pagevec_free",
    "kmem_cache_alloc", "kmem_cache_free", "kmalloc", "kfree", "kmem_cache_alloc_node", "kmalloc_node",
    "mm_compaction_begin", "mm_compaction_isolate_migratepages", "mm_compaction_isolate_freepages",
    "mm_compaction_migratepages");
  private static final Event[] EVENTS = {
    Event.MM_PAGE_ALLOC, Event.MM_PAGE_FREE, Event.MM_PAGE_FREE_BATCHED, Event.MM_PAGE_ALLOC_EXTFRAG,
    Event.MM_PAGE_ALLOC_ZONE_LOCKED, Event.MM_PAGE_PCPU_DRAIN, Event.MM_PAGE_FREE, Event.MM_PAGE_FREE_BATCHED,
    Event.KMEM_CACHE_ALLOC, Event.KMEM_CACHE_FREE, Event.KMALLOC, Event.KFREE, Event.KMEM_CACHE_ALLOC, Event.KMALLOC,
    Event.MM_COMPACTION_BEGIN, Event.MM_COMPACTION_ISOLATE_MIGRATEPAGES, Event.MM_COMPACTION_ISOLATE_FREEPAGES,
    Event.MM_COMPACTION_MIGRATEPAGES
  };
  private static final String VALID_EVENTS =
      "valid: kmem:mm_page_alloc, mm_page_free, mm_page_free_batched, mm_page_alloc_extfrag, "
          + "mm_page_alloc_zone_locked, mm_page_pcpu_drain, kmem_cache_alloc, kmem_cache_free, kmalloc, kfree; "
          + "compaction:mm_compaction_* and migrate:mm_migrate_* are counted";

  private static final byte[] CPUS = Chars.ascii("cpus=");
  private static final byte[] VERSION = Chars.ascii("version");
  private static final byte[] KMEM = Chars.ascii("kmem");
  private static final byte[] COMPACTION = Chars.ascii("compaction");
  private static final byte[] MIGRATE = Chars.ascii("migrate");
  private static final byte[] MM_COMPACTION_ = Chars.ascii("mm_compaction_");
  private static final byte[] MM_MIGRATE_ = Chars.ascii("mm_migrate_");
  private static final byte[] CPU_ = Chars.ascii("CPU");
  private static final byte[] CPU_SPACE = Chars.ascii("CPU ");
  private static final byte[] OPEN = Chars.ascii("[");
  private static final byte[] DROPPED = Chars.ascii("EVENTS DROPPED]");
  private static final byte[] LOST_EVENTS = Chars.ascii(" EVENTS]");
  private static final byte[] LOST = Chars.ascii("LOST ");
  private static final byte[] IS_EMPTY = Chars.ascii(" is empty");

  private final KmemFields fields = new KmemFields();
  private final KmemSlabFields slabFields = new KmemSlabFields(new GfpCache());

  /** The line being parsed, and the char sequence it was copied from (null when read in place). */
  private byte[] bytes;
  private CharSequence source;
  /** Whether {@link #source} has a char above 0xff (then the GFP cache is bypassed). */
  private boolean wide;
  private byte[] scratch = new byte[256];

  /** Whether the last parsed event named its subsystem ({@code kmem:mm_page_alloc:}), as perf does. */
  boolean lastSystemPrefix;
  /** Whether the last parsed event had an irq-flags column, as ftrace with irq-info does. */
  boolean lastFlagsColumn;

  // scratch results of the header scan
  private long tsNs;
  private int tsEnd;
  private String headerError;
  private int latencyCpu;

  /**
   * Parses {@code line} into {@code out}; never throws. A line of a {@link LineReader} is read in
   * place; any other char sequence is copied to bytes first (a char above {@code 0xff}, which no
   * trace file yields, reads as {@code 0xff}: neither space, digit nor part of any keyword).
   */
  Kind parse(CharSequence line, TraceRecord out) {
    if (line instanceof ByteLine b) {
      return parse(b.array(), b.start(), b.end(), out);
    }
    int n = line.length();
    if (scratch.length < n) {
      scratch = new byte[Math.max(n, 2 * scratch.length)];
    }
    boolean wide = false;
    for (int i = 0; i < n; i++) {
      char c = line.charAt(i);
      wide |= c > 0xff;
      scratch[i] = (byte) Math.min(c, 0xff);
    }
    source = line;
    this.wide = wide;
    try {
      return parse(scratch, 0, n, out);
    } finally {
      source = null;
      this.wide = false;
    }
  }

  /** Parses the line {@code s[from, to)} (ISO-8859-1 bytes, no line terminator) into {@code out}; never throws. */
  Kind parse(byte[] s, int from, int to, TraceRecord out) {
    bytes = s;
    out.clear();
    lastSystemPrefix = false;
    lastFlagsColumn = false;
    int end = to;
    while (end > from && (s[end - 1] & 0xff) <= ' ') {
      end--;
    }
    int p = Chars.skipSpace(s, from, end); // perf script right-aligns the comm column
    if (p == end || (s[p] & 0xff) == '#') {
      return out.kind = Kind.IGNORED;
    }
    if (Chars.startsWith(s, p, end, CPUS) || Chars.startsWith(s, p, end, VERSION)) {
      return out.kind = Kind.IGNORED; // trace-cmd report header
    }
    headerError = null;
    for (int i = Chars.indexOf(s, p, end, (byte) '['); i >= 0; i = Chars.indexOf(s, i + 1, end, (byte) '[')) {
      if (i > p && (s[i - 1] & 0xff) > ' ') {
        continue;
      }
      int j = i + 1;
      int cpu = 0;
      while (j < end && j - i <= 6 && Chars.isDigit(s[j])) {
        cpu = cpu * 10 + ((s[j] & 0xff) - '0');
        j++;
      }
      if (j == i + 1 || j >= end || (s[j] & 0xff) != ']' || j - i > 6) {
        continue;
      }
      if (j + 1 < end && (s[j + 1] & 0xff) > ' ') {
        continue;
      }
      if (!header(s, j + 1, end)) {
        continue;
      }
      if (cpu > MAX_CPU) {
        return malformed(out, "cpu " + cpu + " out of range (valid: 0.." + MAX_CPU + ")");
      }
      out.cpu = cpu;
      out.timestampNs = tsNs;
      return event(s, tsEnd, end, out);
    }
    int latencyEnd = latencyHeader(s, p, end);
    if (latencyEnd >= 0) {
      if (latencyCpu > MAX_CPU) {
        return malformed(out, "cpu " + latencyCpu + " out of range (valid: 0.." + MAX_CPU + ")");
      }
      out.cpu = latencyCpu;
      out.timestampNs = tsNs;
      return event(s, latencyEnd, end, out);
    }
    if (notice(s, p, end, out)) {
      return out.kind = Kind.IGNORED;
    }
    return malformed(out, headerError != null ? headerError
        : "no '[cpu] seconds.fraction:' header (valid: 'COMM PID [CPU] SECS.USECS: kmem:EVENT: FIELDS' as perf script "
            + "prints it, or 'COMM-PID [CPU] SECS.USECS: EVENT: FIELDS' as trace-cmd report prints it)");
  }

  /** After {@code [cpu]}: optional irq flags, then {@code SECS.FRACTION:}. Sets tsNs and tsEnd. */
  private boolean header(byte[] s, int from, int end) {
    int a = Chars.skipSpace(s, from, end);
    int b = Chars.tokenEnd(s, a, end);
    if (a == b) {
      headerError = "truncated line: nothing after the [cpu] column";
      return false;
    }
    if ((s[b - 1] & 0xff) == ':' && timestamp(s, a, b - 1)) {
      tsEnd = b;
      return true;
    }
    if (!isFlags(s, a, b)) {
      if ((s[b - 1] & 0xff) == ':' && headerError == null) {
        headerError = "bad timestamp '" + text(a, b) + "' (valid: seconds.fraction:, e.g. 298.507100:)";
      }
      return false;
    }
    int c = Chars.skipSpace(s, b, end);
    int d = Chars.tokenEnd(s, c, end);
    if (c < d && (s[d - 1] & 0xff) == ':' && timestamp(s, c, d - 1)) {
      lastFlagsColumn = true;
      tsEnd = d;
      return true;
    }
    if (headerError == null) {
      headerError = c == d ? "truncated line: no timestamp after the irq-flags column"
          : "bad timestamp '" + text(c, d) + "' (valid: seconds.fraction:, e.g. 298.507100:)";
    }
    return false;
  }

  /**
   * The latency format of {@code trace-cmd report -l}: {@code COMM-PID CPU+FLAGS SECS.USECS:}, the
   * CPU number glued to the irq flags ({@code kworker/-3406    0...1.   609.814081:}). Returns the
   * index after the timestamp's colon, or -1; sets {@link #latencyCpu} and {@link #tsNs}.
   */
  private int latencyHeader(byte[] s, int p, int end) {
    int prevA = -1;
    int prevB = -1;
    for (int a = Chars.skipSpace(s, p, end); a < end; a = Chars.skipSpace(s, a, end)) {
      int b = Chars.tokenEnd(s, a, end);
      if ((s[b - 1] & 0xff) == ':' && prevA >= 0 && timestamp(s, a, b - 1)) {
        int d = prevA;
        int cpu = 0;
        while (d < prevB && d - prevA < 6 && Chars.isDigit(s[d])) {
          cpu = cpu * 10 + ((s[d] & 0xff) - '0');
          d++;
        }
        if (d > prevA && isFlags(s, d, prevB)) {
          latencyCpu = cpu;
          lastFlagsColumn = true;
          return b;
        }
        return -1;
      }
      prevA = a;
      prevB = b;
      a = b;
    }
    return -1;
  }

  /** {@code SECS.FRACTION} with 1..9 fraction digits, into {@link #tsNs}. */
  private boolean timestamp(byte[] s, int a, int b) {
    long secs = 0;
    int i = a;
    while (i < b && Chars.isDigit(s[i])) {
      secs = secs * 10 + ((s[i] & 0xff) - '0');
      if (secs > MAX_SECONDS) {
        return false;
      }
      i++;
    }
    if (i == a || i >= b || (s[i] & 0xff) != '.') {
      return false;
    }
    i++;
    int digits = b - i;
    if (digits < 1 || digits > 9) {
      return false;
    }
    long frac = 0;
    for (; i < b; i++) {
      int c = s[i] & 0xff;
      if (!Chars.isDigit(c)) {
        return false;
      }
      frac = frac * 10 + (c - '0');
    }
    for (int k = digits; k < 9; k++) {
      frac *= 10;
    }
    tsNs = secs * 1_000_000_000L + frac;
    return true;
  }

  /**
   * The irq-info column of ftrace/trace-cmd ({@code trace_print_lat_fmt()} in
   * kernel/trace/trace_output.c): irqs-off ({@code d}, {@code D}, {@code b}, {@code X} or
   * {@code .}), need-resched ({@code N}, {@code n}, {@code p}, {@code P} or {@code .}),
   * hardirq/softirq ({@code h}, {@code H}, {@code s}, {@code z}, {@code Z} or {@code .}),
   * preempt depth, and since 5.15 migrate-disable depth ({@code .}, digit or hex).
   */
  private static boolean isFlags(byte[] s, int a, int b) {
    if (b - a < 4 || b - a > 5) {
      return false;
    }
    if (".dDbBX".indexOf(s[a] & 0xff) < 0 || ".nNpP".indexOf(s[a + 1] & 0xff) < 0
        || ".hHsSzZ".indexOf(s[a + 2] & 0xff) < 0) {
      return false;
    }
    for (int i = a + 3; i < b; i++) {
      int c = s[i] & 0xff;
      if (!(c == '.' || Chars.isDigit(c) || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private Kind event(byte[] s, int from, int end, TraceRecord out) {
    int a = Chars.skipSpace(s, from, end);
    int b = Chars.tokenEnd(s, a, end);
    if (a == b) {
      return malformed(out, "truncated line: no event name after the timestamp");
    }
    if ((s[b - 1] & 0xff) != ':') {
      return malformed(out, "expected 'EVENT:' after the timestamp, got '" + text(a, b) + "'");
    }
    int nameStart = a;
    int nameEnd = b - 1;
    int system = 0; // 0: no subsystem prefix (trace-cmd), 1: kmem:, 2: compaction: or migrate:
    for (int i = a; i < nameEnd; i++) {
      if ((s[i] & 0xff) == ':') {
        system = Chars.regionEquals(s, a, i, KMEM) ? 1 : 2;
        if (system == 2 && !Chars.regionEquals(s, a, i, COMPACTION) && !Chars.regionEquals(s, a, i, MIGRATE)) {
          return malformed(out, "unknown event '" + text(a, nameEnd) + "' (" + VALID_EVENTS + ")");
        }
        lastSystemPrefix = true;
        nameStart = i + 1;
        break;
      }
    }
    Event ev = null;
    for (int k = 0; k < NAMES.length; k++) {
      if (Chars.regionEquals(s, nameStart, nameEnd, NAMES[k])) {
        ev = EVENTS[k];
        break;
      }
    }
    boolean compaction = ev != null ? ev.isCompaction()
        : Chars.startsWith(s, nameStart, nameEnd, MM_COMPACTION_) || Chars.startsWith(s, nameStart, nameEnd, MM_MIGRATE_);
    if (ev == null && compaction) {
      ev = Event.COMPACTION_OTHER; // another compaction: or migrate: tracepoint: counted only
    }
    if (ev == null || system == 1 && compaction || system == 2 && !compaction) {
      return malformed(out, "unknown event '" + text(a, nameEnd) + "' (" + VALID_EVENTS + ")");
    }
    out.event = ev;
    if (compaction) {
      return CompactionFields.parse(s, b, end, out);
    }
    switch (ev) {
      case MM_PAGE_ALLOC:
        return fields.parse(this, s, b, end, out, Kind.ALLOC);
      case MM_PAGE_FREE:
        return fields.parse(this, s, b, end, out, Kind.FREE);
      case MM_PAGE_FREE_BATCHED:
        return fields.parse(this, s, b, end, out, Kind.FREE);
      case KMEM_CACHE_ALLOC:
      case KMEM_CACHE_FREE:
      case KMALLOC:
      case KFREE:
        return slabFields.parse(this, s, b, end, out);
      default:
        return out.kind = Kind.OTHER;
    }
  }


  /**
   * trace-cmd's notices, possibly after an instance prefix: {@code CPU 0 is empty},
   * {@code CPU:1 [221776 EVENTS DROPPED]}, {@code CPU:2 [LOST 12 EVENTS]}.
   */
  private static boolean notice(byte[] s, int p, int end, TraceRecord out) {
    int cpu = Chars.indexOf(s, p, end, CPU_);
    if (cpu < 0) {
      return false;
    }
    int open = Chars.indexOf(s, cpu, end, OPEN);
    if (open >= 0 && (s[end - 1] & 0xff) == ']' && (Chars.indexOf(s, open, end, DROPPED) >= 0
        || Chars.indexOf(s, open, end, LOST_EVENTS) >= 0)) {
      int i = open + 1;
      if (Chars.startsWith(s, i, end, LOST)) {
        i += 5;
      }
      long n = 0;
      while (i < end && Chars.isDigit(s[i]) && n < Long.MAX_VALUE / 10 - 9) {
        n = n * 10 + ((s[i++] & 0xff) - '0');
      }
      out.lostEvents = n;
      return true;
    }
    return Chars.endsWith(s, p, end, IS_EMPTY) && Chars.startsWith(s, cpu, end, CPU_SPACE);
  }

  /** The text of {@code [a, b)} of the current line, for a message: as given, or bytes as ISO-8859-1 chars. */
  String text(int a, int b) {
    return source != null ? source.subSequence(a, b).toString()
        : new String(bytes, a, b - a, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Whether the current line came from a char sequence with chars above 0xff (not comparable as bytes). */
  boolean wide() {
    return wide;
  }

  private static byte[][] names(String... names) {
    byte[][] b = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      b[i] = Chars.ascii(names[i]);
    }
    return b;
  }

  /** Marks {@code out} MALFORMED with the reason; shared with {@link KmemFields}. */
  static Kind malformed(TraceRecord out, String why) {
    out.error = why;
    out.event = null;
    return out.kind = Kind.MALFORMED;
  }
}
